import { readFileSync } from 'node:fs';

import { loadOpenApiContract, OPENAPI_FILES } from './openapi-validator';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function rawSpec(provider: keyof typeof OPENAPI_FILES): Json {
  return JSON.parse(readFileSync(OPENAPI_FILES[provider], 'utf8')) as Json;
}

describe('Hetzner contract', () => {
  const createExample = rawSpec('hetzner')['paths']['/servers']['post']['responses']['201']['content'][
    'application/json'
  ]['examples']['default']['value'] as Json;

  it("accepts the spec's own create-server example", async () => {
    const contract = await loadOpenApiContract('hetzner');
    expect(contract.checkResponse('post', '/servers', 201, createExample)).toEqual({
      valid: true,
      responseKey: '201',
      errors: [],
    });
  });

  it('accepts a server without datacenter, and null where the spec says nullable', async () => {
    const contract = await loadOpenApiContract('hetzner');
    const server = { ...(createExample['server'] as Json) };
    delete server['datacenter'];
    const body = { server: { ...server, image: null, iso: null, public_net: { ...server['public_net'], ipv4: null } } };
    expect(contract.checkResponse('get', '/servers/{id}', 200, body).valid).toBe(true);
  });

  it('rejects a server without a status, naming the field', async () => {
    const contract = await loadOpenApiContract('hetzner');
    const server = { ...(createExample['server'] as Json) };
    delete server['status'];
    const check = contract.checkResponse('get', '/servers/{id}', 200, { server });
    expect(check.valid).toBe(false);
    expect(check.errors.join()).toContain("must have required property 'status'");
  });

  it('maps an error status to the upper-cased 4XX/5XX responses', async () => {
    const contract = await loadOpenApiContract('hetzner');
    const error = { error: { code: 'not_found', message: 'server not found', details: null } };
    expect(contract.assertResponse('get', '/servers/{id}', 404, error)).toBe('4XX');
    expect(contract.assertResponse('get', '/servers/{id}', 503, error)).toBe('5XX');
    expect(contract.checkResponse('get', '/servers/{id}', 302, error).errors[0]).toContain('status 302 is not listed');
    expect(() => contract.assertResponse('get', '/servers/{id}', 404, { code: 'not_found' })).toThrow(
      /GET \/servers\/\{id\} → 404 breaks the contract/,
    );
  });

  it('checks request bodies', async () => {
    const contract = await loadOpenApiContract('hetzner');
    expect(contract.checkRequestBody('post', '/servers', { name: 'a', server_type: 'cx23', image: 'x' }).valid).toBe(
      true,
    );
    expect(contract.checkRequestBody('post', '/servers', { name: 'a' }).valid).toBe(false);
  });
});

describe('DigitalOcean contract', () => {
  const getExample = rawSpec('digitalocean')['paths']['/v2/droplets/{droplet_id}']['get']['responses']['200'][
    'content'
  ]['application/json']['examples']['Single Droplet']['value'] as Json;

  it("accepts the spec's own droplet example, and status off", async () => {
    const contract = await loadOpenApiContract('digitalocean');
    expect(contract.checkResponse('get', '/v2/droplets/{droplet_id}', 200, getExample).valid).toBe(true);
    const off = { droplet: { ...getExample['droplet'], status: 'off' } };
    expect(contract.checkResponse('get', '/v2/droplets/{droplet_id}', 200, off).valid).toBe(true);
    const bad = { droplet: { ...getExample['droplet'], status: false } };
    expect(contract.checkResponse('get', '/v2/droplets/{droplet_id}', 200, bad).valid).toBe(false);
  });

  it('wants no body on a 204 and the error shape on statuses it lists only through default', async () => {
    const contract = await loadOpenApiContract('digitalocean');
    expect(contract.checkResponse('delete', '/v2/droplets/{droplet_id}', 204, undefined).valid).toBe(true);
    expect(contract.checkResponse('delete', '/v2/droplets/{droplet_id}', 204, { ok: true }).valid).toBe(false);
    const error = { id: 'unprocessable_entity', message: 'invalid size' };
    expect(contract.assertResponse('post', '/v2/droplets', 422, error)).toBe('default');
    expect(contract.checkResponse('post', '/v2/droplets', 422, { message: 'x' }).valid).toBe(false);
  });
});
