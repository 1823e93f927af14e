import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

import { cloudConfig } from '../testing/helpers';

import { BOOTSTRAP_PATH, fetchBootstrapEnv, parseDotenv, parseUserData } from './user-data';

describe('parseDotenv', () => {
  it('reads what a compose env-file writer produces: multi-line single quotes, escapes and $$', () => {
    const text = [
      "STATIC_API_KEY='plain $HOME # kept'",
      'TRICKY="it\'s \\"$$HOME\\" \\\\ done"',
      "GIT_PRIVATE_KEY='-----BEGIN KEY-----",
      'abcDEF123==',
      "-----END KEY-----'",
      'AFTER=1',
    ].join('\n');
    expect(parseDotenv(text)).toEqual({
      STATIC_API_KEY: 'plain $HOME # kept',
      TRICKY: 'it\'s "$HOME" \\ done',
      GIT_PRIVATE_KEY: '-----BEGIN KEY-----\nabcDEF123==\n-----END KEY-----',
      AFTER: '1',
    });
  });

  it('reads assignments, export, quotes and comments', () => {
    expect(
      parseDotenv(
        [
          '# comment',
          'STATIC_API_KEY=abc',
          'export GIT_REPOSITORY_URL="https://g/r.git"',
          "QUOTED='a # not a comment'",
          'TRAILING=value # comment',
          'MULTI="line1\\nline2"',
          'EMPTY=',
          'not a line',
        ].join('\n'),
      ),
    ).toEqual({
      STATIC_API_KEY: 'abc',
      GIT_REPOSITORY_URL: 'https://g/r.git',
      QUOTED: 'a # not a comment',
      TRAILING: 'value',
      MULTI: 'line1\nline2',
      EMPTY: '',
    });
  });
});

describe('parseUserData', () => {
  it('reads every .env file of write_files, later files winning', () => {
    const userData = [
      '#cloud-config',
      'write_files:',
      '  - path: /opt/agent/.env',
      '    content: |',
      '      STATIC_API_KEY=first',
      '      POSTGRES_PASSWORD=x',
      '  - path: /opt/agent/compose.yaml',
      '    content: "services: {}"',
      '  - path: /etc/agent-manager.env',
      `    encoding: b64`,
      `    content: ${Buffer.from('STATIC_API_KEY=second\n').toString('base64')}`,
      '  - path: /etc/other.env',
      '    encoding: gz+b64',
      `    content: ${gzipSync('GIT_REPOSITORY_URL=https://g/r.git\n').toString('base64')}`,
    ].join('\n');
    expect(parseUserData(userData)).toEqual({
      env: { STATIC_API_KEY: 'second', POSTGRES_PASSWORD: 'x', GIT_REPOSITORY_URL: 'https://g/r.git' },
      envFiles: ['/opt/agent/.env', '/etc/agent-manager.env', '/etc/other.env'],
      bootstrap: null,
      problem: null,
    });
  });

  it('finds the bootstrap file', () => {
    const parsed = parseUserData(cloudConfig({ bootstrap: { url: 'https://c.example/bootstrap/1', token: 'bt' } }));
    expect(parsed).toMatchObject({ bootstrap: { url: 'https://c.example/bootstrap/1', token: 'bt' }, problem: null });
  });

  it.each([
    [undefined, 'no user data'],
    ['#!/bin/bash\necho hi', 'user data is not a #cloud-config document'],
    ['#cloud-config\nwrite_files: [', 'user data is not valid YAML'],
    ['#cloud-config\npackages: [curl]', 'user data has no write_files'],
    ['#cloud-config\nwrite_files:\n  - path: /etc/motd\n    content: hi', 'writes no .env file'],
    [`#cloud-config\nwrite_files:\n  - path: ${BOOTSTRAP_PATH}\n    content: "{}"`, 'must hold {"url": string'],
  ])('says why there is no environment (%j)', (userData, problem) => {
    expect(parseUserData(userData).problem).toContain(problem);
  });
});

describe('fetchBootstrapEnv', () => {
  let server: Server;
  let url: string;
  const seen: (string | undefined)[] = [];
  let answers: [number, string, string][] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      const [status, type, body] = answers.shift() ?? [500, 'text/plain', 'no more'];
      res.writeHead(status, { 'Content-Type': type }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bootstrap`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const options = { attempts: 3, retryDelayMs: 1, timeoutMs: 2000, sleep: async () => undefined };

  it('GETs the URL with the bearer token, retrying 5xx, and reads a dotenv body', async () => {
    answers = [
      [503, 'text/plain', 'later'],
      [200, 'text/plain', 'STATIC_API_KEY=from-bootstrap\n'],
    ];
    seen.length = 0;
    expect(await fetchBootstrapEnv({ url, token: 'bt' }, options)).toEqual({ STATIC_API_KEY: 'from-bootstrap' });
    expect(seen).toEqual(['Bearer bt', 'Bearer bt']);
  });

  it('reads a JSON body, and gives up at once on a 4xx', async () => {
    answers = [[200, 'application/json', '{"STATIC_API_KEY":"k","PORT":3100}']];
    expect(await fetchBootstrapEnv({ url, token: 'bt' }, options)).toEqual({ STATIC_API_KEY: 'k', PORT: '3100' });
    answers = [[401, 'text/plain', 'no']];
    expect(await fetchBootstrapEnv({ url, token: 'bad' }, options)).toBe('bootstrap fetch answered 401');
  });
});
