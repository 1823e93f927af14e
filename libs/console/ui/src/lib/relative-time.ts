const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

/** A date the API sends (ISO string) or one the console holds; null/undefined/unparsable mean "no date". */
export type TimeValue = string | number | Date | null | undefined;

export function toDate(value: TimeValue): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/**
 * "12 s", "3 min", "5 h", "2 days", "4 months", "1 year": the distance without its direction, in whole units
 * rounded by `round` (down for the past: "59 s ago" until a minute has passed; up for the future, so a token made
 * for 30 days reads "in 30 days", not "in 29 days").
 */
function describeDistance(ms: number, round: (value: number) => number): string {
  if (ms < MINUTE) return `${round(ms / SECOND)} s`;
  if (ms < HOUR) return `${round(ms / MINUTE)} min`;
  if (ms < DAY) return `${round(ms / HOUR)} h`;
  if (ms < MONTH) return plural(round(ms / DAY), 'day');
  if (ms < YEAR) return plural(round(ms / MONTH), 'month');
  return plural(round(ms / YEAR), 'year');
}

/**
 * The console's one way to say when something happened: "just now", "12 s ago", "3 min ago", "2 days ago",
 * or "in 5 min" for a future time. Differences under 5 s (either way) read "just now", so a server clock a
 * little ahead of the browser never shows "in 1 s" for an event that already happened.
 */
export function formatRelativeTime(value: Date, now: number): string {
  const diff = now - value.getTime();
  if (Math.abs(diff) < 5 * SECOND) return 'just now';
  return diff > 0 ? `${describeDistance(diff, Math.floor)} ago` : `in ${describeDistance(-diff, Math.ceil)}`;
}

const exactFormats = new Map<string, Intl.DateTimeFormat>();

/** The exact local date and time shown on hover, e.g. "7 Dec 2026, 14:03:09" (in the browser's locale). */
export function formatExactTime(value: Date, locale?: string): string {
  const key = locale ?? '';
  let format = exactFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
    exactFormats.set(key, format);
  }
  return format.format(value);
}
