import type { Router } from 'express';

import type { SimulatorContext } from '../context';
import { badRequest, notFound } from '../http-errors';
import { parseOptionalInt, parseUuidV4 } from '../pipes';
import { readBody } from '../services/body';
import type { AgentFilterRecord } from '../state';

import { defineRoute } from './route-helpers';

const DIRECTIONS = ['incoming', 'outgoing', 'bidirectional'] as const;
const FILTER_TYPES = ['none', 'filter', 'drop'] as const;

/** Setting keys of `/api/configuration-overrides` and the environment variable each one overwrites. */
export const CONFIGURATION_SETTINGS: readonly { settingKey: string; envVarName: string; secret: boolean }[] = [
  { settingKey: 'gitRepositoryUrl', envVarName: 'GIT_REPOSITORY_URL', secret: false },
  { settingKey: 'gitUsername', envVarName: 'GIT_USERNAME', secret: false },
  { settingKey: 'gitToken', envVarName: 'GIT_TOKEN', secret: true },
  { settingKey: 'gitPassword', envVarName: 'GIT_PASSWORD', secret: true },
  { settingKey: 'gitPrivateKey', envVarName: 'GIT_PRIVATE_KEY', secret: true },
  { settingKey: 'cursorApiKey', envVarName: 'CURSOR_API_KEY', secret: true },
  { settingKey: 'agentDefaultImage', envVarName: 'AGENT_DEFAULT_IMAGE', secret: false },
  { settingKey: 'autoEnrichEnabledGlobal', envVarName: 'AUTO_ENRICH_ENABLED_GLOBAL', secret: false },
  {
    settingKey: 'autoEnrichVectorMaxCosineDistance',
    envVarName: 'AUTO_ENRICH_VECTOR_MAX_COSINE_DISTANCE',
    secret: false,
  },
];

function toFilterDto(filter: AgentFilterRecord): Record<string, unknown> {
  return {
    id: filter.id,
    pattern: filter.pattern,
    regexFlags: filter.regexFlags,
    direction: filter.direction,
    filterType: filter.filterType,
    replaceContent: filter.replaceContent,
    priority: filter.priority,
    createdAt: filter.createdAt.toISOString(),
    updatedAt: filter.updatedAt.toISOString(),
  };
}

type FilterFields = Partial<
  Pick<AgentFilterRecord, 'pattern' | 'regexFlags' | 'direction' | 'filterType' | 'replaceContent' | 'priority'>
>;

function readFilterFields(raw: Record<string, unknown>, requireAll: boolean): FilterFields {
  const fields: FilterFields = {};
  const { pattern, regexFlags, direction, filterType, replaceContent, priority } = raw;
  if (pattern !== undefined || requireAll) {
    if (typeof pattern !== 'string' || pattern.length === 0) throw badRequest('pattern must be a non-empty string');
    fields.pattern = pattern;
  }
  if (regexFlags !== undefined) {
    if (typeof regexFlags !== 'string') throw badRequest('regexFlags must be a string');
    fields.regexFlags = regexFlags;
  }
  if (direction !== undefined || requireAll) {
    if (!DIRECTIONS.includes(direction as (typeof DIRECTIONS)[number])) {
      throw badRequest(`direction must be one of ${DIRECTIONS.join(', ')}`);
    }
    fields.direction = direction as AgentFilterRecord['direction'];
  }
  if (filterType !== undefined || requireAll) {
    if (!FILTER_TYPES.includes(filterType as (typeof FILTER_TYPES)[number])) {
      throw badRequest(`filterType must be one of ${FILTER_TYPES.join(', ')}`);
    }
    fields.filterType = filterType as AgentFilterRecord['filterType'];
  }
  if (replaceContent !== undefined && replaceContent !== null) {
    if (typeof replaceContent !== 'string') throw badRequest('replaceContent must be a string');
    fields.replaceContent = replaceContent;
  }
  if (priority !== undefined) {
    if (typeof priority !== 'number' || !Number.isInteger(priority)) throw badRequest('priority must be an integer');
    fields.priority = priority;
  }
  return fields;
}

function checkRegex(pattern: string, flags: string): void {
  try {
    new RegExp(pattern, flags);
  } catch {
    throw badRequest(`Invalid regular expression: /${pattern}/${flags}`);
  }
}

/** Global message filters (`/api/agents-filters`): list (priority first), count, CRUD. */
export function registerFilterRoutes(router: Router, ctx: SimulatorContext): void {
  const CONTROLLER = 'AgentsFiltersController';
  const sorted = (): AgentFilterRecord[] =>
    [...ctx.state.agentFilters.values()].sort((a, b) => b.priority - a.priority || a.seq - b.seq);
  const findOrThrow = (rawId: unknown): AgentFilterRecord => {
    const id = parseUuidV4(rawId);
    const filter = ctx.state.agentFilters.get(id);
    if (!filter) throw notFound(`Filter with ID ${id} not found`);
    return filter;
  };

  defineRoute(router, ctx, 'get', '/agents-filters', `${CONTROLLER}.getFilters`, (req, res) => {
    const limit = parseOptionalInt(req.query['limit']) ?? 10;
    const offset = parseOptionalInt(req.query['offset']) ?? 0;
    const direction = req.query['direction'];
    const list = sorted().filter((f) => typeof direction !== 'string' || f.direction === direction);
    res.json(list.slice(Math.max(0, offset), Math.max(0, offset) + Math.max(0, limit)).map(toFilterDto));
  });

  defineRoute(router, ctx, 'get', '/agents-filters/count', `${CONTROLLER}.countFilters`, (_req, res) => {
    res.json({ count: ctx.state.agentFilters.size });
  });

  defineRoute(router, ctx, 'get', '/agents-filters/:id', `${CONTROLLER}.getFilter`, (req, res) => {
    res.json(toFilterDto(findOrThrow(req.params['id'])));
  });

  defineRoute(router, ctx, 'post', '/agents-filters', `${CONTROLLER}.createFilter`, (req, res) => {
    const fields = readFilterFields(readBody(req.body), true);
    const now = new Date();
    const filter: AgentFilterRecord = {
      id: ctx.state.newId(),
      pattern: fields.pattern ?? '',
      regexFlags: fields.regexFlags ?? 'gi',
      direction: fields.direction ?? 'bidirectional',
      filterType: fields.filterType ?? 'none',
      replaceContent: fields.replaceContent,
      priority: fields.priority ?? 0,
      createdAt: now,
      updatedAt: now,
      seq: ctx.state.nextSeq(),
    };
    checkRegex(filter.pattern, filter.regexFlags);
    ctx.state.agentFilters.set(filter.id, filter);
    res.status(201).json(toFilterDto(filter));
  });

  defineRoute(router, ctx, 'put', '/agents-filters/:id', `${CONTROLLER}.updateFilter`, (req, res) => {
    const filter = findOrThrow(req.params['id']);
    const fields = readFilterFields(readBody(req.body), false);
    checkRegex(fields.pattern ?? filter.pattern, fields.regexFlags ?? filter.regexFlags);
    Object.assign(filter, fields, { updatedAt: new Date() });
    res.json(toFilterDto(filter));
  });

  defineRoute(router, ctx, 'delete', '/agents-filters/:id', `${CONTROLLER}.deleteFilter`, (req, res) => {
    const filter = findOrThrow(req.params['id']);
    ctx.state.agentFilters.delete(filter.id);
    res.status(204).end();
  });
}

/** `/api/configuration-overrides`: GET list, PUT `{value}` (200, the entry), DELETE (204). */
export function registerConfigurationOverrideRoutes(router: Router, ctx: SimulatorContext): void {
  const CONTROLLER = 'ConfigurationOverridesController';
  const envDefaults: Record<string, string | undefined> = { gitRepositoryUrl: ctx.options.gitRepositoryUrl };
  const entry = (setting: (typeof CONFIGURATION_SETTINGS)[number]): Record<string, unknown> => {
    const override = ctx.state.configurationOverrides.get(setting.settingKey);
    const fallback = envDefaults[setting.settingKey];
    const value = override ?? fallback;
    return {
      settingKey: setting.settingKey,
      envVarName: setting.envVarName,
      value: setting.secret ? undefined : value,
      source: override !== undefined ? 'override' : fallback !== undefined ? 'default_env' : 'unset',
      hasOverride: override !== undefined,
    };
  };
  const settingOf = (key: unknown): (typeof CONFIGURATION_SETTINGS)[number] => {
    const setting = CONFIGURATION_SETTINGS.find((s) => s.settingKey === key);
    if (!setting) throw badRequest(`Unknown setting key: ${String(key)}`);
    return setting;
  };

  defineRoute(router, ctx, 'get', '/configuration-overrides', `${CONTROLLER}.list`, (_req, res) => {
    res.json(CONFIGURATION_SETTINGS.map(entry));
  });

  defineRoute(router, ctx, 'put', '/configuration-overrides/:settingKey', `${CONTROLLER}.set`, (req, res) => {
    const setting = settingOf(req.params['settingKey']);
    const value = readBody(req.body)['value'];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw badRequest('value must be a string');
    }
    ctx.state.configurationOverrides.set(setting.settingKey, String(value));
    res.json(entry(setting));
  });

  defineRoute(router, ctx, 'delete', '/configuration-overrides/:settingKey', `${CONTROLLER}.delete`, (req, res) => {
    const setting = settingOf(req.params['settingKey']);
    ctx.state.configurationOverrides.delete(setting.settingKey);
    res.status(204).end();
  });
}
