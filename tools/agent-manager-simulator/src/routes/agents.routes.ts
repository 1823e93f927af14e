import type { Router } from 'express';

import type { SimulatorContext } from '../context';
import { parseOptionalInt, parseUuidV4 } from '../pipes';
import {
  agentModels,
  type ContainerAction,
  createAgent,
  deleteAgent,
  findAgentOrThrow,
  listAgents,
  runContainerAction,
  updateAgent,
} from '../services/agents.service';
import { toAgentResponseDto } from '../state';

import { defineRoute } from './route-helpers';

/** Agent CRUD and container actions (contract §5). POSTs answer 201, DELETE 204. */
export function registerAgentRoutes(router: Router, ctx: SimulatorContext): void {
  defineRoute(router, ctx, 'get', '/agents', 'AgentsController.getAgents', (req, res) => {
    const limit = parseOptionalInt(req.query['limit']);
    const offset = parseOptionalInt(req.query['offset']);
    res.json(listAgents(ctx, limit ?? 10, offset ?? 0).map((agent) => toAgentResponseDto(agent)));
  });

  defineRoute(router, ctx, 'get', '/agents/:id', 'AgentsController.getAgent', (req, res) => {
    const id = parseUuidV4(req.params['id']);
    res.json(toAgentResponseDto(findAgentOrThrow(ctx.state, id)));
  });

  defineRoute(router, ctx, 'get', '/agents/:id/models', 'AgentsController.getModels', (req, res) => {
    const id = parseUuidV4(req.params['id']);
    res.json(agentModels(ctx, id));
  });

  const actions: [ContainerAction, string][] = [
    ['start', 'AgentsController.startAgent'],
    ['stop', 'AgentsController.stopAgent'],
    ['restart', 'AgentsController.restartAgent'],
  ];
  for (const [action, name] of actions) {
    defineRoute(router, ctx, 'post', `/agents/:id/${action}`, name, (req, res) => {
      const id = parseUuidV4(req.params['id']);
      res.status(201).json(toAgentResponseDto(runContainerAction(ctx, id, action)));
    });
  }

  defineRoute(router, ctx, 'post', '/agents', 'AgentsController.createAgent', async (req, res) => {
    const created = await createAgent(ctx, req.body);
    res.status(201).json(created);
  });

  defineRoute(router, ctx, 'post', '/agents/:id', 'AgentsController.updateAgent', (req, res) => {
    const id = parseUuidV4(req.params['id']);
    res.status(201).json(toAgentResponseDto(updateAgent(ctx, id, req.body)));
  });

  defineRoute(router, ctx, 'delete', '/agents/:id', 'AgentsController.deleteAgent', (req, res) => {
    const id = parseUuidV4(req.params['id']);
    deleteAgent(ctx, id);
    res.status(204).end();
  });
}
