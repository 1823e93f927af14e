import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { WORKSPACE_ROOT } from './controller-process';

/** Screenshots of each screen, kept as test artifacts. */
export const SCREENSHOT_DIR = join(WORKSPACE_ROOT, 'dist/console-screenshots');

export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

/** Debian's Chromium, headless (never a downloaded browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/**
 * Serious and critical accessibility violations on the page as it is now (axe-core). A finding is checked once more
 * after the page's animations have settled: a toast that starts fading out while axe reads its colours is not a
 * violation, a real one is found again.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  const first = await serious(page);
  if (first.length === 0) return first;
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((animation) => animation.playState !== 'running' || animation.effect?.getTiming().iterations === Infinity),
  );
  return serious(page);
}

async function serious(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
}

/** Saves the screen at desktop and phone widths: `<name>-desktop.png`, `<name>-phone.png`. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

/**
 * The open dialog, once it has taken focus. Material moves focus to the dialog's first field when its opening
 * animation ends, so text typed before then can land in another field (seen on a loaded CI machine).
 */
export async function openedDialog(page: Page, options?: { name: string | RegExp }): Promise<Locator> {
  await page.waitForFunction(
    () =>
      document.activeElement?.closest('mat-dialog-container') &&
      // Endless animations (an indeterminate progress bar while the dialog asks the controller) never finish.
      document
        .getAnimations()
        .every(
          (animation) => animation.playState !== 'running' || animation.effect?.getTiming().iterations === Infinity,
        ),
  );
  return page.getByRole('dialog', options);
}
