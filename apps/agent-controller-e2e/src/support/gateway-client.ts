import { io, Socket } from 'socket.io-client';

export interface ReceivedEvent {
  event: string;
  payload: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- read loosely; assertions check the shape
}

/** A browser-like Socket.IO client of the controller's `clients` namespace that records what it receives. */
export class GatewayClient {
  readonly received: ReceivedEvent[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: unknown) => this.record(event, payload));
    for (const event of ['disconnect', 'connect_error'])
      socket.on(event, (payload: unknown) => this.record(event, payload));
  }

  /**
   * Connects with `auth.Authorization` (what a browser can send) unless `header` asks for the header form;
   * `headers` go with the handshake (e.g. the load balancer's pin to one replica).
   */
  static async connect(
    baseUrl: string,
    authorization: string | undefined,
    options: { header?: boolean; headers?: Record<string, string> } = {},
  ): Promise<GatewayClient> {
    const inHeader = authorization !== undefined && options.header;
    const extraHeaders = { ...options.headers, ...(inHeader ? { authorization } : {}) };
    const socket = io(`${baseUrl}/clients`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders,
      ...(authorization === undefined || inHeader ? {} : { auth: { Authorization: authorization } }),
    });
    const client = new GatewayClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return client;
  }

  emit(event: string, payload?: unknown): void {
    this.socket.emit(event, payload);
  }

  /** The first event named `event` from index `from` on that matches, waiting up to `timeoutMs`. */
  async next(
    event: string,
    match: (payload: ReceivedEvent['payload']) => boolean = () => true,
    from = 0,
    timeoutMs = 5000,
  ): Promise<ReceivedEvent['payload']> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.slice(from).find((entry) => entry.event === event && match(entry.payload));
      if (found) return found.payload;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.received.map((entry) => entry.event).join(', ');
        throw new Error(`no ${event} within ${timeoutMs} ms; received: ${seen}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  names(from = 0): string[] {
    return this.received.slice(from).map((entry) => entry.event);
  }

  close(): void {
    this.socket.close();
  }

  private record(event: string, payload: unknown): void {
    this.received.push({ event, payload });
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** The `connect_error` a handshake gets, or null when it connects. */
export async function handshakeRefusal(
  baseUrl: string,
  authorization: string | undefined,
): Promise<(Error & { data?: { code?: string } }) | null> {
  try {
    (await GatewayClient.connect(baseUrl, authorization)).close();
    return null;
  } catch (error) {
    return error as Error & { data?: { code?: string } };
  }
}
