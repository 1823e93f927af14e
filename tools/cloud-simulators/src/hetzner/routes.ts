import type {
  HetznerCreateServerResponse,
  HetznerDeleteServerResponse,
  HetznerGetActionResponse,
  HetznerGetServerResponse,
  HetznerListLocationsResponse,
  HetznerListServersResponse,
  HetznerListServerTypesResponse,
} from '@agent-controller/shared-cloud-contracts';
import express, { type Request, type Response, type Router } from 'express';

import { ApiError, queryList, queryValue, requestUrl, routeParam, wrap } from '../core/http';
import { LabelSelectorError, matchesLabelSelector, parseLabelSelector } from '../core/label-selector';
import { loseCreateAnswer } from '../core/lost-answer';
import type { Machine } from '../core/machines';
import { type Page, paginate, parsePageQuery } from '../core/pagination';
import type { ProviderDeps } from '../core/provider-simulator';

import { HETZNER_LOCATIONS, HETZNER_SERVER_TYPES } from './catalogue';
import { hetznerProfile, invalidInput, notFound } from './profile';
import { type HetznerAttrs, planCreateServer } from './validation';
import { hetznerStatus, linkHeader, toHetznerAction, toHetznerServer, toListMeta } from './views';

const PAGINATION = { defaultPerPage: 25, maxPerPage: 50 };
const SERVER_SORTS = ['id', 'name', 'created'] as const;
const LOCATION_SORTS = ['id', 'name'] as const;

/** Paginates, sets the `Link` header and returns the page. */
function sendPage<T>(req: Request, res: Response, items: readonly T[]): Page<T> {
  const request = parsePageQuery(req.query, PAGINATION);
  if (typeof request === 'string') {
    throw invalidInput([{ name: request.split(' ')[0] as string, messages: [request] }]);
  }
  const page = paginate(items, request);
  res.setHeader('Link', linkHeader(requestUrl(req), page));
  return page;
}

/** `sort=field[:asc|:desc]`, repeatable; the first key sorts first. */
function sorter<T>(
  values: string[],
  fields: readonly string[],
  key: (item: T, field: string) => string | number,
): (a: T, b: T) => number {
  const keys = values.map((value) => {
    const [field, direction = 'asc'] = value.split(':');
    if (!fields.includes(field as string) || !['asc', 'desc'].includes(direction)) {
      throw invalidInput([{ name: 'sort', messages: [`invalid sort '${value}'`] }]);
    }
    return { field: field as string, sign: direction === 'desc' ? -1 : 1 };
  });
  return (a, b) => {
    for (const { field, sign } of keys) {
      const left = key(a, field);
      const right = key(b, field);
      if (left !== right) return (left < right ? -1 : 1) * sign;
    }
    return 0;
  };
}

function parseId(raw: string | undefined, resource: string): number {
  if (raw === undefined || !/^\d{1,15}$/.test(raw)) {
    throw notFound(resource, raw ?? '');
  }
  return Number(raw);
}

export function hetznerRoutes({ store, faults }: ProviderDeps<HetznerAttrs>): Router {
  const router = express.Router();
  const now = (): number => store.now;

  const serverOrThrow = (raw: string | undefined): Machine<HetznerAttrs> => {
    const machine = store.get(parseId(raw, 'server'));
    if (!machine) throw notFound('server', raw ?? '');
    return machine;
  };

  router.get(
    '/servers',
    wrap((req, res) => {
      let servers = store.list();
      const name = queryValue(req.query['name']);
      if (name !== undefined) servers = servers.filter((machine) => machine.name === name);
      const selector = queryValue(req.query['label_selector']);
      if (selector !== undefined) {
        try {
          const parsed = parseLabelSelector(selector);
          servers = servers.filter((machine) => matchesLabelSelector(machine.attrs.labels, parsed));
        } catch (err) {
          if (err instanceof LabelSelectorError) {
            throw invalidInput([{ name: 'label_selector', messages: [err.message] }]);
          }
          throw err;
        }
      }
      const statuses = queryList(req.query['status']);
      if (statuses.length > 0) servers = servers.filter((machine) => statuses.includes(hetznerStatus(machine)));
      const order = sorter<Machine<HetznerAttrs>>(queryList(req.query['sort']), SERVER_SORTS, (machine, field) =>
        field === 'name' ? machine.name : field === 'created' ? machine.createdAt : machine.id,
      );
      servers.sort((a, b) => order(a, b) || a.id - b.id);
      const page = sendPage(req, res, servers);
      const body: HetznerListServersResponse = { servers: page.items.map(toHetznerServer), meta: toListMeta(page) };
      res.json(body);
    }),
  );

  router.post(
    '/servers',
    wrap(async (req, res) => {
      const plan = planCreateServer(req.body);
      const precheck = (): void => {
        // A server being deleted no longer holds its name.
        if (store.list().some((machine) => machine.name === plan.name && machine.phase !== 'deleting')) {
          throw new ApiError(409, 'uniqueness_error', 'server name is already used', { fields: [{ name: 'name' }] });
        }
      };
      precheck();
      if (faults.take('createFailNext')) {
        throw new ApiError(412, 'resource_unavailable', 'error during placement', {});
      }
      const { machine, actions } = await store.create({
        name: plan.name,
        attrs: plan.attrs,
        userData: plan.userData,
        bootMs: faults.current.bootMs,
        provisionShare: 0.5,
        startAfterCreate: plan.startAfterCreate,
        failsToCreate: faults.take('actionErrorNext'),
        neverHealthy: faults.take('neverHealthyNext'),
        precheck,
        actions: ({ createdAt, provisionedAt, runningAt }) => [
          { command: 'create_server', progressFrom: createdAt, finishesAt: provisionedAt },
          ...(plan.startAfterCreate
            ? [{ command: 'start_server', progressFrom: provisionedAt, finishesAt: runningAt }]
            : []),
        ],
      });
      if (loseCreateAnswer(res, faults, hetznerProfile)) return;
      const [create, ...next] = actions.map((action) => toHetznerAction(action, now()));
      const body: HetznerCreateServerResponse = {
        server: toHetznerServer(machine),
        action: create as ReturnType<typeof toHetznerAction>,
        next_actions: next,
        root_password: plan.rootPassword,
      };
      res.status(201).json(body);
    }),
  );

  router.get(
    '/servers/:id',
    wrap((req, res) => {
      const body: HetznerGetServerResponse = { server: toHetznerServer(serverOrThrow(routeParam(req, 'id'))) };
      res.json(body);
    }),
  );

  router.delete(
    '/servers/:id',
    wrap((req, res) => {
      const machine = serverOrThrow(routeParam(req, 'id'));
      if (faults.take('deleteFailNext')) {
        throw hetznerProfile.serverError(faults.current.serverErrorStatus);
      }
      // A second delete while the first is running answers with the running delete action.
      const action =
        store.delete(machine.id, faults.current.deleteMs, 'delete_server') ??
        store.action(machine.actionIds.at(-1) as number);
      const body: HetznerDeleteServerResponse = {
        action: toHetznerAction(action as NonNullable<typeof action>, now()),
      };
      res.json(body);
    }),
  );

  router.get(
    '/actions/:id',
    wrap((req, res) => {
      const action = store.action(parseId(routeParam(req, 'id'), 'action'));
      if (!action) throw notFound('action', routeParam(req, 'id') ?? '');
      const body: HetznerGetActionResponse = { action: toHetznerAction(action, now()) };
      res.json(body);
    }),
  );

  router.get(
    '/server_types',
    wrap((req, res) => {
      const name = queryValue(req.query['name']);
      const page = sendPage(
        req,
        res,
        HETZNER_SERVER_TYPES.filter((type) => name === undefined || type.name === name),
      );
      const body: HetznerListServerTypesResponse = { server_types: page.items, meta: toListMeta(page) };
      res.json(body);
    }),
  );

  router.get(
    '/locations',
    wrap((req, res) => {
      const name = queryValue(req.query['name']);
      const order = sorter<(typeof HETZNER_LOCATIONS)[number]>(
        queryList(req.query['sort']),
        LOCATION_SORTS,
        (item, field) => (field === 'name' ? item.name : item.id),
      );
      const locations = HETZNER_LOCATIONS.filter((item) => name === undefined || item.name === name).sort(
        (a, b) => order(a, b) || a.id - b.id,
      );
      const page = sendPage(req, res, locations);
      const body: HetznerListLocationsResponse = { locations: page.items, meta: toListMeta(page) };
      res.json(body);
    }),
  );

  return router;
}
