/**
 * The floor a proxy is measured against: a keep-alive Node HTTP proxy with no auth, no parsing, no logging. Pipes
 * each request to the target and the answer back. Run as its own process: `node bare-proxy.ts <target url>`; prints
 * `{"port": n}` once it listens on 127.0.0.1.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';

function serve(target: URL): void {
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((request, response) => {
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
        agent,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', (error) => response.writeHead(502).end(error.message));
    request.pipe(upstream);
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
}

serve(new URL(process.argv[2]));
