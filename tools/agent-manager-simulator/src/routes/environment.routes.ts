import type { Router } from 'express';

import type { SimulatorContext } from '../context';
import { parseOptionalInt, parseUuidV4 } from '../pipes';
import {
  countEnvironmentVariables,
  createEnvironmentVariable,
  deleteAllEnvironmentVariables,
  deleteEnvironmentVariable,
  listEnvironmentVariables,
  updateEnvironmentVariable,
} from '../services/environment.service';

import { defineRoute } from './route-helpers';

const BASE = '/agents/:agentId/environment';
const CONTROLLER = 'AgentsEnvironmentVariablesController';

/** Environment variables of an agent (contract §5): list (limit 50, oldest first), count, CRUD, delete all. */
export function registerEnvironmentRoutes(router: Router, ctx: SimulatorContext): void {
  defineRoute(router, ctx, 'get', BASE, `${CONTROLLER}.getEnvironmentVariables`, (req, res) => {
    const agentId = parseUuidV4(req.params['agentId']);
    const limit = parseOptionalInt(req.query['limit']);
    const offset = parseOptionalInt(req.query['offset']);
    res.json(listEnvironmentVariables(ctx, agentId, limit ?? 50, offset ?? 0));
  });

  defineRoute(router, ctx, 'get', `${BASE}/count`, `${CONTROLLER}.countEnvironmentVariables`, (req, res) => {
    const agentId = parseUuidV4(req.params['agentId']);
    res.json(countEnvironmentVariables(ctx, agentId));
  });

  defineRoute(router, ctx, 'post', BASE, `${CONTROLLER}.createEnvironmentVariable`, (req, res) => {
    const agentId = parseUuidV4(req.params['agentId']);
    res.status(201).json(createEnvironmentVariable(ctx, agentId, req.body));
  });

  defineRoute(router, ctx, 'put', `${BASE}/:id`, `${CONTROLLER}.updateEnvironmentVariable`, (req, res) => {
    parseUuidV4(req.params['agentId']);
    const id = parseUuidV4(req.params['id']);
    res.status(200).json(updateEnvironmentVariable(ctx, id, req.body));
  });

  defineRoute(router, ctx, 'delete', `${BASE}/:id`, `${CONTROLLER}.deleteEnvironmentVariable`, (req, res) => {
    parseUuidV4(req.params['agentId']);
    const id = parseUuidV4(req.params['id']);
    deleteEnvironmentVariable(ctx, id);
    res.status(204).end();
  });

  defineRoute(router, ctx, 'delete', BASE, `${CONTROLLER}.deleteAllEnvironmentVariables`, (req, res) => {
    const agentId = parseUuidV4(req.params['agentId']);
    res.status(200).json(deleteAllEnvironmentVariables(ctx, agentId));
  });
}
