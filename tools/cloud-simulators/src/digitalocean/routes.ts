import {
  DIGITALOCEAN_PAGINATION,
  type DoCreateDropletResponse,
  type DoGetAccountResponse,
  type DoGetActionResponse,
  type DoGetDropletResponse,
  type DoListDropletsResponse,
  type DoListRegionsResponse,
  type DoListSizesResponse,
} from '@agent-controller/shared-cloud-contracts';
import express, { type Request, type Router } from 'express';

import { queryValue, requestUrl, routeParam, wrap } from '../core/http';
import { loseCreateAnswer } from '../core/lost-answer';
import type { Machine, MachineAction } from '../core/machines';
import { type Page, paginate, parsePageQuery } from '../core/pagination';
import type { ProviderDeps } from '../core/provider-simulator';

import { DO_ACCOUNT, DO_REGIONS, DO_SIZES } from './catalogue';
import { badRequest, digitaloceanProfile, resourceNotFound, unprocessable } from './profile';
import { type DigitalOceanAttrs, planCreateDroplet } from './validation';
import { toDoAction, toDroplet, toPageLinks } from './views';

function page<T>(req: Request, items: readonly T[]): Page<T> {
  const request = parsePageQuery(req.query, DIGITALOCEAN_PAGINATION);
  if (typeof request === 'string') throw badRequest(request);
  return paginate(items, request);
}

function listBody<T, K extends string>(req: Request, key: K, items: readonly T[]) {
  const result = page(req, items);
  return { [key]: result.items, ...toPageLinks(requestUrl(req), result), meta: { total: result.total } } as {
    [P in K]: T[];
  } & ReturnType<typeof toPageLinks> & { meta: { total: number } };
}

function parseId(raw: string | undefined): number {
  if (raw === undefined || !/^\d{1,15}$/.test(raw) || Number(raw) < 1) throw resourceNotFound();
  return Number(raw);
}

export function digitaloceanRoutes({ store, faults }: ProviderDeps<DigitalOceanAttrs>): Router {
  const router = express.Router();

  const dropletOrThrow = (raw: string | undefined): Machine<DigitalOceanAttrs> => {
    const machine = store.get(parseId(raw));
    if (!machine) throw resourceNotFound();
    return machine;
  };

  router.get(
    '/droplets',
    wrap((req, res) => {
      const tag = queryValue(req.query['tag_name']);
      const name = queryValue(req.query['name']);
      const type = queryValue(req.query['type']) ?? 'droplets';
      if (tag !== undefined && (name !== undefined || req.query['type'] !== undefined)) {
        throw unprocessable('tag_name cannot be combined with name or type.');
      }
      if (type !== 'droplets' && type !== 'gpus') throw unprocessable('type must be droplets or gpus.');
      // The simulator has no GPU droplets.
      const droplets = (type === 'gpus' ? [] : store.list())
        .filter((machine) => tag === undefined || machine.attrs.tags.includes(tag))
        .filter((machine) => name === undefined || machine.name.toLowerCase() === name.toLowerCase())
        .sort((a, b) => a.id - b.id);
      const body: DoListDropletsResponse = listBody(req, 'droplets', droplets.map(toDroplet));
      res.json(body);
    }),
  );

  router.post(
    '/droplets',
    wrap(async (req, res) => {
      const plan = planCreateDroplet(req.body);
      if (faults.take('createFailNext')) {
        throw unprocessable('The selected size is not currently available in this region. Try another size or region.');
      }
      const created: { machine: Machine<DigitalOceanAttrs>; action: MachineAction }[] = [];
      for (const name of plan.names) {
        const { machine, actions } = await store.create({
          name,
          attrs: plan.attrs,
          userData: plan.userData,
          bootMs: faults.current.bootMs,
          provisionShare: 1,
          startAfterCreate: true,
          failsToCreate: faults.take('actionErrorNext'),
          neverHealthy: faults.take('neverHealthyNext'),
          actions: ({ createdAt, runningAt }) => [
            { command: 'create', progressFrom: createdAt, finishesAt: runningAt },
          ],
        });
        created.push({ machine, action: actions[0] as MachineAction });
      }
      if (loseCreateAnswer(res, faults, digitaloceanProfile)) return;
      const origin = requestUrl(req).origin;
      const links = {
        actions: created.map(({ action }) => ({
          id: action.id,
          rel: 'create',
          href: `${origin}/v2/actions/${action.id}`,
        })),
      };
      const body: DoCreateDropletResponse = plan.multiple
        ? { droplets: created.map(({ machine }) => toDroplet(machine)), links }
        : { droplet: toDroplet((created[0] as (typeof created)[number]).machine), links };
      res.status(202).json(body);
    }),
  );

  router.get(
    '/droplets/:id',
    wrap((req, res) => {
      const body: DoGetDropletResponse = { droplet: toDroplet(dropletOrThrow(routeParam(req, 'id'))) };
      res.json(body);
    }),
  );

  router.delete(
    '/droplets/:id',
    wrap((req, res) => {
      const machine = dropletOrThrow(routeParam(req, 'id'));
      if (faults.take('deleteFailNext')) {
        throw digitaloceanProfile.serverError(faults.current.serverErrorStatus);
      }
      store.delete(machine.id, 0);
      res.status(204).setHeader('content-type', 'application/json; charset=utf-8');
      res.end();
    }),
  );

  router.get(
    '/actions/:id',
    wrap((req, res) => {
      const action = store.action(parseId(routeParam(req, 'id')));
      const attrs = action && store.attrsOf(action.machineId);
      if (!action || !attrs) throw resourceNotFound();
      const body: DoGetActionResponse = { action: toDoAction(action, attrs, store.now) };
      res.json(body);
    }),
  );

  router.get(
    '/sizes',
    wrap((req, res) => {
      const body: DoListSizesResponse = listBody(req, 'sizes', DO_SIZES);
      res.json(body);
    }),
  );

  router.get(
    '/regions',
    wrap((req, res) => {
      const body: DoListRegionsResponse = listBody(req, 'regions', DO_REGIONS);
      res.json(body);
    }),
  );

  router.get(
    '/account',
    wrap((_req, res) => {
      const body: DoGetAccountResponse = { account: DO_ACCOUNT };
      res.json(body);
    }),
  );

  return router;
}
