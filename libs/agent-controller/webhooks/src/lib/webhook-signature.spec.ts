import { createHmac } from 'node:crypto';
import { generateWebhookSecret, signWebhook, verifyWebhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'a-secret-of-sixteen+';
  const body = '{"id":"e1","type":"ping"}';

  it('signs "<timestamp>.<raw body>" with HMAC-SHA256 as sha256=<hex>', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signWebhook(secret, 1_700_000_000, body)).toBe(`sha256=${expected}`);
  });

  it('accepts its own signature within the tolerance', () => {
    const now = Date.now();
    const timestamp = Math.floor(now / 1000);
    const signature = signWebhook(secret, timestamp, body);
    expect(verifyWebhookSignature(secret, { timestamp: String(timestamp), signature }, body, now)).toBe(true);
  });

  it('refuses another body, another secret, a malformed header and an old timestamp', () => {
    const now = Date.now();
    const timestamp = Math.floor(now / 1000);
    const signature = signWebhook(secret, timestamp, body);
    const header = { timestamp: String(timestamp), signature };
    expect(verifyWebhookSignature(secret, header, `${body} `, now)).toBe(false);
    expect(verifyWebhookSignature('another-secret-16chars', header, body, now)).toBe(false);
    expect(verifyWebhookSignature(secret, { ...header, signature: 'sha256=00' }, body, now)).toBe(false);
    expect(verifyWebhookSignature(secret, { ...header, timestamp: 'soon' }, body, now)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, now + 301_000)).toBe(false);
  });

  it('generates distinct secrets of 256 bits', () => {
    const first = generateWebhookSecret();
    expect(first).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateWebhookSecret()).not.toBe(first);
  });
});
