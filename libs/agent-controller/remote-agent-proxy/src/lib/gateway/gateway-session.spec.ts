import { DomainError } from '@agent-controller/core';
import { z } from 'zod';
import { gatewayError } from './gateway-error';
import { GatewaySession } from './gateway-session';

const ADMIN = { kind: 'api-key' as const, isGlobalAdmin: true, userId: null, email: null };

describe('GatewaySession', () => {
  it('runs calls one after another, in order, even when one fails', async () => {
    const session = new GatewaySession(ADMIN, 'Bearer x');
    const order: string[] = [];
    const slow = session.serialize(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      order.push('slow');
      throw new Error('boom');
    });
    const fast = session.serialize(async () => {
      order.push('fast');
      return 42;
    });
    await expect(slow).rejects.toThrow('boom');
    await expect(fast).resolves.toBe(42);
    expect(order).toEqual(['slow', 'fast']);
  });

  it('closes its link when it ends', () => {
    const session = new GatewaySession(ADMIN, undefined);
    const close = jest.fn();
    session.link = { close } as never;
    session.relation = 'global_admin';
    session.end();
    expect(close).toHaveBeenCalledTimes(1);
    expect(session).toMatchObject({ link: null, relation: null, ended: true });
  });
});

describe('gatewayError', () => {
  it("keeps a domain error's code and message in the failure envelope", () => {
    expect(gatewayError(new DomainError('CLIENT_INACTIVE', 'inactive'), 'setClient')).toMatchObject({
      success: false,
      source: 'controller',
      event: 'setClient',
      error: { code: 'CLIENT_INACTIVE', message: 'inactive' },
    });
  });

  it('names every bad field of a validation failure', () => {
    const parsed = z.object({ clientId: z.uuid() }).safeParse({ clientId: 'x' });
    const payload = gatewayError(parsed.error, 'forward', 'chat');
    expect(payload).toMatchObject({ forwardedEvent: 'chat', error: { code: 'VALIDATION_FAILED' } });
    expect(payload.error.message).toContain('clientId');
  });

  it('hides unexpected errors behind INTERNAL_ERROR', () => {
    expect(gatewayError(new Error('secret detail'), 'forward').error).toEqual({
      code: 'INTERNAL_ERROR',
      message: 'Unexpected error',
    });
  });
});
