import type { Request, Router } from 'express';

import type { SimulatorContext } from '../context';
import { badRequest } from '../http-errors';
import { parseUuidV4 } from '../pipes';
import { findAgentOrThrow } from '../services/agents.service';
import { readBody } from '../services/body';
import type { FileContext, Workspace } from '../workspace';

import { defineRoute } from './route-helpers';

const FILES = '/agents/:agentId/files';
const VCS = '/agents/:agentId/vcs';
const FILES_CONTROLLER = 'AgentsFilesController';
const VCS_CONTROLLER = 'AgentsVcsController';
export const MAX_VERIFY_COMMANDS = 32;

function workspaceOf(ctx: SimulatorContext, req: Request): Workspace {
  const agentId = parseUuidV4(req.params['agentId']);
  findAgentOrThrow(ctx.state, agentId);
  return ctx.state.workspaceOf(agentId);
}

function fileContext(req: Request): FileContext {
  const value = req.query['context'];
  if (value === undefined || value === '' || value === 'app') return 'app';
  if (value === 'config') return 'config';
  throw badRequest(`Invalid context: ${String(value)} (expected app or config)`);
}

/** Express 5 `*path` wildcard: an array of segments. */
function wildcardPath(req: Request): string {
  const raw = (req.params as Record<string, unknown>)['path'];
  return Array.isArray(raw) ? raw.join('/') : String(raw ?? '');
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${key} must be a string`);
  return value;
}

function requiredString(body: Record<string, unknown>, key: string): string {
  const value = optionalString(body, key);
  if (value === undefined || value.length === 0) throw badRequest(`${key} is required`);
  return value;
}

function fileList(body: Record<string, unknown>): string[] | undefined {
  const files = body['files'];
  if (files === undefined || files === null) return undefined;
  if (!Array.isArray(files) || files.some((file) => typeof file !== 'string')) {
    throw badRequest('files must be an array of strings');
  }
  return files as string[];
}

function decodeContent(content: string, encoding: string | undefined): Buffer {
  return encoding === 'utf-8' || encoding === 'utf8' ? Buffer.from(content, 'utf8') : Buffer.from(content, 'base64');
}

/** Files of the simulated container (contract §5): list, read, write (PUT 204), create (201), delete, move. */
export function registerFileRoutes(router: Router, ctx: SimulatorContext): void {
  defineRoute(router, ctx, 'get', FILES, `${FILES_CONTROLLER}.listDirectory`, (req, res) => {
    const workspace = workspaceOf(ctx, req);
    const path = typeof req.query['path'] === 'string' ? req.query['path'] : undefined;
    res.json(workspace.list(fileContext(req), path));
  });

  defineRoute(router, ctx, 'get', `${FILES}/*path`, `${FILES_CONTROLLER}.readFile`, (req, res) => {
    const workspace = workspaceOf(ctx, req);
    res.json(workspace.read(fileContext(req), wildcardPath(req)));
  });

  defineRoute(router, ctx, 'put', `${FILES}/*path`, `${FILES_CONTROLLER}.writeFile`, (req, res) => {
    const workspace = workspaceOf(ctx, req);
    const body = readBody(req.body);
    const content = optionalString(body, 'content');
    if (content === undefined) throw badRequest('content is required');
    workspace.write(fileContext(req), wildcardPath(req), decodeContent(content, optionalString(body, 'encoding')));
    res.status(204).end();
  });

  defineRoute(router, ctx, 'post', `${FILES}/*path`, `${FILES_CONTROLLER}.createFileOrDirectory`, (req, res) => {
    const workspace = workspaceOf(ctx, req);
    const body = readBody(req.body);
    const type = body['type'];
    if (type !== 'file' && type !== 'directory') throw badRequest("type must be 'file' or 'directory'");
    const content = optionalString(body, 'content');
    workspace.create(
      fileContext(req),
      wildcardPath(req),
      type,
      content === undefined ? undefined : decodeContent(content, optionalString(body, 'encoding')),
    );
    res.status(201).end();
  });

  defineRoute(router, ctx, 'delete', `${FILES}/*path`, `${FILES_CONTROLLER}.deleteFileOrDirectory`, (req, res) => {
    const workspace = workspaceOf(ctx, req);
    workspace.remove(fileContext(req), wildcardPath(req));
    res.status(204).end();
  });

  defineRoute(router, ctx, 'patch', `${FILES}/*path`, `${FILES_CONTROLLER}.moveFileOrDirectory`, (req, res) => {
    const workspace = workspaceOf(ctx, req);
    const destination = requiredString(readBody(req.body), 'destination');
    workspace.move(fileContext(req), wildcardPath(req), destination);
    res.status(204).end();
  });
}

/** The git-like model of the `app` context (contract §5 vcs) and verify-commands. */
export function registerVcsRoutes(router: Router, ctx: SimulatorContext): void {
  defineRoute(router, ctx, 'get', `${VCS}/status`, `${VCS_CONTROLLER}.getStatus`, (req, res) => {
    res.json(workspaceOf(ctx, req).status());
  });

  defineRoute(router, ctx, 'get', `${VCS}/branches`, `${VCS_CONTROLLER}.getBranches`, (req, res) => {
    res.json(workspaceOf(ctx, req).listBranches());
  });

  defineRoute(router, ctx, 'get', `${VCS}/diff`, `${VCS_CONTROLLER}.getFileDiff`, (req, res) => {
    const workspace = workspaceOf(ctx, req);
    const path = req.query['path'];
    if (typeof path !== 'string' || path.length === 0) throw badRequest('path is required');
    res.json(workspace.diff(path));
  });

  const noContent = (
    action: string,
    handler: (workspace: Workspace, body: Record<string, unknown>, req: Request) => void,
    status = 204,
  ): void => {
    defineRoute(router, ctx, 'post', `${VCS}/${action}`, `${VCS_CONTROLLER}.${action}`, (req, res) => {
      const workspace = workspaceOf(ctx, req);
      const body = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
      handler(workspace, body, req);
      res.status(status).end();
    });
  };

  noContent('stage', (workspace, body) => workspace.stage(fileList(body)));
  noContent('unstage', (workspace, body) => workspace.unstage(fileList(body)));
  noContent('commit', (workspace, body) => workspace.commit(requiredString(body, 'message')));
  noContent('push', (workspace) => workspace.push());
  noContent('pull', () => undefined);
  noContent('fetch', () => undefined);
  noContent('rebase', (workspace, body) => workspace.rebase(requiredString(body, 'branch')));
  noContent('workspace/prepare-clean', (workspace, body) => workspace.prepareClean(requiredString(body, 'baseBranch')));
  noContent('conflicts/resolve', (workspace, body) => {
    requiredString(body, 'path');
    const strategy = body['strategy'];
    if (strategy !== 'yours' && strategy !== 'mine' && strategy !== 'both') {
      throw badRequest("strategy must be 'yours', 'mine' or 'both'");
    }
  });
  noContent(
    'branches',
    (workspace, body) => {
      const name = requiredString(body, 'name');
      const prefixed =
        body['useConventionalPrefix'] === true ? `${optionalString(body, 'conventionalType') ?? 'feat'}/${name}` : name;
      workspace.createBranch(prefixed, optionalString(body, 'baseBranch'));
    },
    201,
  );

  defineRoute(router, ctx, 'post', `${VCS}/branches/:branch/switch`, `${VCS_CONTROLLER}.switchBranch`, (req, res) => {
    workspaceOf(ctx, req).switchBranch(String(req.params['branch']));
    res.status(204).end();
  });

  defineRoute(router, ctx, 'delete', `${VCS}/branches/:branch`, `${VCS_CONTROLLER}.deleteBranch`, (req, res) => {
    workspaceOf(ctx, req).deleteBranch(String(req.params['branch']));
    res.status(204).end();
  });

  defineRoute(
    router,
    ctx,
    'post',
    '/agents/:agentId/automation/verify-commands',
    'AgentsAutomationController.verifyCommands',
    (req, res) => {
      workspaceOf(ctx, req);
      const body = readBody(req.body);
      const commands = body['commands'];
      if (!Array.isArray(commands) || commands.length === 0) throw badRequest('commands must be a non-empty array');
      if (commands.length > MAX_VERIFY_COMMANDS) {
        throw badRequest(`At most ${MAX_VERIFY_COMMANDS} commands are allowed`);
      }
      const results = commands.map((entry: unknown) => {
        const cmd = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)['cmd'] : undefined;
        if (typeof cmd !== 'string' || cmd.length === 0) throw badRequest('Each command needs a cmd string');
        return { cmd, exitCode: 0, output: `$ ${cmd}\n(simulated: exit 0)\n` };
      });
      res.status(201).json({ results });
    },
  );
}
