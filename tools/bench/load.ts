import http from 'node:http';

export const round1 = (value: number) => Math.round(value * 10) / 10;

/** A small closed-loop load generator: `concurrency` workers each send requests back to back. */
export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  /** Why the first failed request failed (its status or error), to tell a race from a broken path. */
  firstError?: string;
  /** Every latency (ms), sorted. */
  latencies: number[];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (value: number) => Math.round(value * 100) / 100;

/** Percentiles (ms, two decimals) and throughput of a set of measured latencies, e.g. merged from several rounds. */
export function summarize(latencies: number[], seconds: number, errors = 0, firstError?: string): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: sorted.length,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    seconds: round(seconds),
    throughput: Math.round(sorted.length / seconds),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    latencies: sorted,
  };
}

/** `send` answers whether the request succeeded; a string (or a thrown error) is a failure and says why. */
export async function runLoad(
  send: () => Promise<boolean | string>,
  { concurrency, requests }: { concurrency: number; requests: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < requests) {
        issued++;
        const begin = performance.now();
        const outcome = await send().catch((error: unknown) => String(error));
        latencies.push(performance.now() - begin);
        if (outcome !== true) {
          errors++;
          firstError ??= outcome || 'failed';
        }
      }
    }),
  );
  return summarize(latencies, (performance.now() - started) / 1000, errors, firstError);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * A GET over a keep-alive pool with node:http: much lighter than fetch, so on a 2-core machine the load
 * generator takes less CPU away from the server it measures.
 */
export function httpGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

/** Rows (the first is the header) as a markdown table with aligned columns, ready to paste. */
export function markdownTable(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [
    line(rows[0]),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...rows.slice(1).map(line),
  ].join('\n');
}
