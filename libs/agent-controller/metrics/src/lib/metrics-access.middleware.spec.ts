import { MetricsAccessMiddleware } from './metrics-access.middleware';

function setUp(answer: { contentType: string; body: string } | undefined) {
  const metrics = { readWithToken: jest.fn(async () => answer) };
  const response = { setHeader: jest.fn(), send: jest.fn() };
  const next = jest.fn();
  const request = { headers: { authorization: 'Bearer t' } };
  const middleware = new MetricsAccessMiddleware(metrics as never);
  return { middleware, metrics, response, next, request };
}

describe('MetricsAccessMiddleware', () => {
  it('answers with the metrics when the token decided, without going on to authentication', async () => {
    const { middleware, metrics, response, next, request } = setUp({ contentType: 'text/plain', body: 'm 1\n' });

    await middleware.use(request as never, response as never, next);

    expect(metrics.readWithToken).toHaveBeenCalledWith('Bearer t');
    expect(response.setHeader).toHaveBeenCalledWith('Content-Type', 'text/plain');
    expect(response.send).toHaveBeenCalledWith('m 1\n');
    expect(next).not.toHaveBeenCalled();
  });

  it('goes on to authentication when no token is configured', async () => {
    const { middleware, response, next, request } = setUp(undefined);

    await middleware.use(request as never, response as never, next);

    expect(next).toHaveBeenCalledWith();
    expect(response.send).not.toHaveBeenCalled();
  });
});
