import type { OpenApiContract } from '@agent-controller/shared-cloud-contracts/testing';
import { stringify } from 'yaml';

import { ApiError } from '../core/http';
import { BOOTSTRAP_PATH } from '../core/user-data';

export const TOKEN = 'test-token';
export const READ_ONLY_TOKEN = 'test-read-only-token';
export const CONTROL_TOKEN = 'test-control-token';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON, the raw text when it is not JSON, undefined when empty. */
  body: Json;
}

export interface SendOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string;
}

/** One request with the API token (unless `token` says otherwise); the body parsed. */
export async function send(url: string, method: string, options: SendOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers['Authorization'] = `Bearer ${token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let parsed: Json = text === '' ? undefined : text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export type ContractApi = (
  method: 'get' | 'post' | 'delete',
  path: string,
  template: string,
  options?: SendOptions,
) => Promise<Reply>;

/**
 * Requests against `baseUrl` (`path` relative to it, `template` as the spec writes the path) whose answers are
 * checked against the contract (status and body) and by `checkHeaders`.
 */
export function contractApi(
  baseUrl: string,
  contract: OpenApiContract,
  checkHeaders: (reply: Reply) => void,
): ContractApi {
  return async (method, path, template, options = {}) => {
    const reply = await send(`${baseUrl}${path}`, method.toUpperCase(), options);
    contract.assertResponse(method, template, reply.status, reply.body);
    checkHeaders(reply);
    return reply;
  };
}

/** The `ApiError` a validation throws for `body` (fails the test when it accepts the body). */
export function rejectionOf(validate: (body: unknown) => unknown, body: unknown): ApiError {
  try {
    validate(body);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(body)?.slice(0, 200)}`);
}

export async function control(controlUrl: string, method: string, path: string, body?: unknown): Promise<Reply> {
  return send(`${controlUrl}${path}`, method, { token: CONTROL_TOKEN, body });
}

/** Polls until `check` returns a value other than undefined/false. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A `#cloud-config` the way the controller's builder writes it (a YAML serializer, never string splicing). */
export function cloudConfig(files: {
  env?: Record<string, string>;
  bootstrap?: { url: string; token: string };
}): string {
  const writeFiles: Record<string, unknown>[] = [];
  if (files.env) {
    const content = Object.entries(files.env)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n');
    writeFiles.push({ path: '/opt/agent-manager/agent-manager.env', permissions: '0600', content: `${content}\n` });
  }
  if (files.bootstrap) {
    writeFiles.push({ path: BOOTSTRAP_PATH, permissions: '0600', content: JSON.stringify(files.bootstrap) });
  }
  return `#cloud-config\n${stringify({ package_update: true, write_files: writeFiles, runcmd: [['true']] })}`;
}
