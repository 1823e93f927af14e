import { queryValue } from './http';

export interface PageRequest {
  page: number;
  perPage: number;
}

export interface Page<T> extends PageRequest {
  items: T[];
  total: number;
  /** At least 1, even for an empty list. */
  lastPage: number;
}

export interface PaginationRules {
  defaultPerPage: number;
  maxPerPage: number;
}

/**
 * Reads `page` (≥ 1, default 1) and `per_page` (≥ 1, default and maximum per provider; a larger value is
 * capped, as both APIs do). Returns an error message for a value that is not a positive integer.
 */
export function parsePageQuery(query: Record<string, unknown>, rules: PaginationRules): PageRequest | string {
  const read = (name: string, fallback: number): number | string => {
    const raw = queryValue(query[name]);
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < 1) return `${name} must be a positive integer`;
    return Number(raw);
  };
  const page = read('page', 1);
  const perPage = read('per_page', rules.defaultPerPage);
  if (typeof page === 'string') return page;
  if (typeof perPage === 'string') return perPage;
  return { page, perPage: Math.min(perPage, rules.maxPerPage) };
}

export function paginate<T>(items: readonly T[], request: PageRequest): Page<T> {
  const start = (request.page - 1) * request.perPage;
  return {
    ...request,
    items: items.slice(start, start + request.perPage),
    total: items.length,
    lastPage: Math.max(1, Math.ceil(items.length / request.perPage)),
  };
}

/** `url` with `page` and `per_page` replaced, other query parameters kept. */
export function pageUrl(url: URL, page: number, perPage: number): string {
  const next = new URL(url);
  next.searchParams.set('page', String(page));
  next.searchParams.set('per_page', String(perPage));
  return next.toString();
}
