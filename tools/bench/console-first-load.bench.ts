/**
 * Time from navigation to the console's first client row and to the fleet overview's counts, in Chromium on
 * loopback against the built controller on a warm server (issue 14's target: the first row within 700 ms).
 * Usage: npm run bench:console   (needs `nx build agent-controller` and Debian's chromium)
 * BENCH_BASELINE_CONSOLE=<dir of another console build, e.g. a worktree's dist/apps/console/browser> serves that
 * build from a second controller and measures both side by side, visits alternated, for a ratio.
 */
import { Browser, BrowserContext, chromium } from 'playwright-core';
import { createTestDatabase } from '@agent-controller/database/testing';
import { BenchController, callJson, firstAdminToken, freePort, startBenchController } from './controller';
import { env } from './settings';

const VISITS = env('BENCH_VISITS', 10);
const CLIENTS = 25;

interface Target {
  name: string;
  controller: BenchController;
  context: BrowserContext;
  cleanup: () => Promise<void>;
}

/** What is timed: until an element matching `selector` holds `text`. */
const PAGES = [
  { name: 'first client row (/clients)', path: '/clients', selector: 'td', text: 'Bench farm 01' },
  { name: "overview's counts (/)", path: '/', selector: 'a', text: `${CLIENTS} total` },
];

async function startTarget(name: string, browser: Browser, consoleDir?: string): Promise<Target> {
  const database = process.env['TEST_DATABASE_URL'] ? await createTestDatabase('server') : null;
  const controller = await startBenchController({
    ...database?.env,
    ...(consoleDir ? { CONSOLE_DIR: consoleDir } : {}),
    // No health checks during the visits: the list shows what is stored.
    CLIENT_HEALTH_INTERVAL: '86400',
  });
  const token = await firstAdminToken(controller);
  const unreachable = `http://127.0.0.1:${await freePort()}`;
  for (let i = 1; i <= CLIENTS; i++) {
    await callJson('POST', `${controller.baseUrl}/api/clients`, token, {
      name: `Bench farm ${String(i).padStart(2, '0')}`,
      endpoint: unreachable,
      authenticationType: 'api_key',
      apiKey: 'bench-remote-key-1234',
      agentWsPort: 9,
    });
  }
  // A signed-in tab: the console keeps its credential in sessionStorage.
  const context = await browser.newContext();
  await context.addInitScript((credential) => sessionStorage.setItem('agent-controller.credential', credential), token);
  return {
    name,
    controller,
    context,
    cleanup: async () => {
      await context.close();
      await controller.stop();
      await database?.drop();
    },
  };
}

/** Milliseconds from navigation start to the content, read in the page (no round trip to this process in it). */
async function visit(target: Target, page: (typeof PAGES)[number]): Promise<number> {
  const tab = await target.context.newPage();
  try {
    await tab.goto(`${target.controller.baseUrl}${page.path}`, { waitUntil: 'commit' });
    const shown = await tab.waitForFunction(
      ([selector, text]) =>
        Array.from(document.querySelectorAll(selector)).some((element) => element.textContent?.includes(text))
          ? performance.now()
          : false,
      [page.selector, page.text],
      { polling: 'raf', timeout: 30_000 },
    );
    return (await shown.jsonValue()) as number;
  } finally {
    await tab.close();
  }
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];

async function main(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const baselineDir = process.env['BENCH_BASELINE_CONSOLE'];
  const targets = [await startTarget('this build', browser)];
  if (baselineDir) targets.push(await startTarget(`baseline (${baselineDir})`, browser, baselineDir));
  try {
    console.log(
      `${VISITS} visits per page and build after one warm-up each (repeat visits: the browser cache is warm)`,
    );
    console.log('| page | build | p50 | best | p90 |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const page of PAGES) {
      const times = new Map<Target, number[]>(targets.map((target) => [target, []]));
      for (const target of targets) await visit(target, page);
      for (let i = 0; i < VISITS; i++) {
        // Alternated, so a moment of load falls on both builds alike.
        for (const target of i % 2 ? [...targets].reverse() : targets)
          times.get(target)?.push(await visit(target, page));
      }
      for (const [target, values] of times) {
        const ms = (p: number) => `${percentile(values, p).toFixed(0)} ms`;
        console.log(`| ${page.name} | ${target.name} | ${ms(50)} | ${Math.min(...values).toFixed(0)} ms | ${ms(90)} |`);
      }
      if (targets.length === 2) {
        const [current, baseline] = targets.map((target) => percentile(times.get(target) ?? [], 50));
        console.log(`| ${page.name} | ratio this/baseline (p50) | ${(current / baseline).toFixed(2)} | | |`);
      }
    }
  } finally {
    for (const target of targets) await target.cleanup();
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
