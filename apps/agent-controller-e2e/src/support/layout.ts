import { Page } from 'playwright-core';

/**
 * What does not fit the viewport on the page as it is now, one line each naming the element:
 * - the page itself scrolls sideways (`scrollWidth > innerWidth`);
 * - a visible element's right edge is past the viewport (and no ancestor clips it);
 * - a container scrolls sideways that is not a code view (pre, textarea, the terminal) — a wide table in a
 *   scroll box still hides its columns on a phone;
 * - an open dialog is not wholly inside the viewport.
 */
export function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const height = window.innerHeight;
    const problems: string[] = [];
    const name = (element: Element): string => {
      const id = element.id ? `#${element.id}` : '';
      const classes = Array.from(element.classList)
        .slice(0, 3)
        .map((c) => `.${c}`)
        .join('');
      const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `${element.tagName.toLowerCase()}${id}${classes}${text ? ` "${text}"` : ''}`;
    };
    const isCodeView = (element: Element) =>
      element.matches('pre, code, textarea, .xterm, .xterm *') || element.closest('pre, .xterm') !== null;
    /** An ancestor that cuts off or scrolls what overflows it, itself inside the viewport. */
    const clippedBy = (element: Element): Element | null => {
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        const overflowX = getComputedStyle(parent).overflowX;
        if (overflowX !== 'visible' && parent.getBoundingClientRect().right <= width + 1) return parent;
      }
      return null;
    };

    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth > width) problems.push(`the page scrolls sideways: ${scrollWidth} px wide in ${width} px`);

    const reported = new Set<Element>();
    for (const element of Array.from(document.body.querySelectorAll('*'))) {
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
      if (
        (style.overflowX === 'auto' || style.overflowX === 'scroll') &&
        element.scrollWidth > element.clientWidth + 1 &&
        !isCodeView(element)
      ) {
        problems.push(`${name(element)} scrolls sideways: ${element.scrollWidth} px in ${element.clientWidth} px`);
      }
      if (box.right <= width + 1 || clippedBy(element)) continue;
      // Report the outermost element that runs off, not each of its children.
      if ([...reported].some((outer) => outer.contains(element))) continue;
      reported.add(element);
      problems.push(`${name(element)} runs off the screen: right edge at ${Math.round(box.right)} px of ${width}`);
    }

    for (const dialog of Array.from(
      document.querySelectorAll('mat-dialog-container, [role="dialog"], [role="alertdialog"]'),
    )) {
      const box = dialog.getBoundingClientRect();
      if (box.width === 0) continue;
      if (box.left < 0 || box.top < 0 || box.right > width + 1 || box.bottom > height + 1) {
        problems.push(
          `dialog ${name(dialog)} is clipped: ${Math.round(box.left)},${Math.round(box.top)} to ` +
            `${Math.round(box.right)},${Math.round(box.bottom)} in ${width}×${height}`,
        );
      }
    }
    return problems;
  });
}

/** Visible buttons and links a snack bar lies over, by their text. */
export function controlsUnderToast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const toast = document.querySelector('.mat-mdc-snack-bar-container');
    if (!toast) return [];
    const over = toast.getBoundingClientRect();
    return Array.from(document.querySelectorAll('button, a[href], input, [role="button"]'))
      .filter((control) => !toast.contains(control))
      .filter((control) => {
        const box = control.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) return false;
        return box.left < over.right && box.right > over.left && box.top < over.bottom && box.bottom > over.top;
      })
      .map((control) => (control.getAttribute('aria-label') ?? control.textContent ?? '').trim());
  });
}
