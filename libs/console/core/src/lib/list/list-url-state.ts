import type { ParamMap } from '@angular/router';
import type { ListView } from './paged-list.store';

/** Filters a list keeps in the URL: each a string, '' when not set. */
export type StringFilters = Record<string, string>;

/** What the URL may hold for one list: the values each filter and the order accept (free text when not listed). */
export interface ListUrlSpec<F extends StringFilters> {
  filters: { [K in keyof F]: readonly string[] | 'text' };
  sorts: readonly string[];
  pageSizes: readonly number[];
}

/** The query parameters a list's view reads and writes, besides its filters' own names. */
export const LIST_QUERY_KEYS = { sort: 'sort', page: 'page', pageSize: 'pageSize' } as const;

const MAX_TEXT_LENGTH = 255;

/**
 * Reads a list's view from query parameters (`page` counts from 1). A value the list does not accept (a health
 * state that does not exist, page 0, a page size not offered) falls back to the default rather than failing, so
 * an edited or stale link still shows a list.
 */
export function viewFromQueryParams<F extends StringFilters>(
  params: Readonly<Record<string, string | undefined>>,
  spec: ListUrlSpec<F>,
  defaults: ListView<F>,
): ListView<F> {
  const filters = { ...defaults.filters };
  for (const key of Object.keys(spec.filters) as (keyof F & string)[]) {
    const value = params[key];
    if (value === undefined) continue;
    const accepted = spec.filters[key];
    if (accepted === 'text') filters[key] = value.slice(0, MAX_TEXT_LENGTH) as F[typeof key];
    else if (value === '' || accepted.includes(value)) filters[key] = value as F[typeof key];
  }
  const sort = params[LIST_QUERY_KEYS.sort];
  const page = Number(params[LIST_QUERY_KEYS.page]);
  const pageSize = Number(params[LIST_QUERY_KEYS.pageSize]);
  return {
    filters,
    sort: sort !== undefined && spec.sorts.includes(sort) ? sort : defaults.sort,
    pageIndex: Number.isInteger(page) && page >= 1 ? page - 1 : defaults.pageIndex,
    pageSize: spec.pageSizes.includes(pageSize) ? pageSize : defaults.pageSize,
  };
}

/** The query parameters for a view, leaving out what equals the default so a plain list keeps a plain URL. */
export function viewToQueryParams<F extends StringFilters>(
  view: ListView<F>,
  defaults: ListView<F>,
): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(view.filters)) {
    const text = value.trim();
    if (text !== (defaults.filters[key] ?? '')) params[key] = text;
  }
  if (view.sort && view.sort !== defaults.sort) params[LIST_QUERY_KEYS.sort] = view.sort;
  if (view.pageIndex > 0) params[LIST_QUERY_KEYS.page] = String(view.pageIndex + 1);
  if (view.pageSize !== defaults.pageSize) params[LIST_QUERY_KEYS.pageSize] = String(view.pageSize);
  return params;
}

/** A route's query parameters as `viewFromQueryParams` reads them. */
export function queryOf(params: ParamMap): Record<string, string | undefined> {
  return Object.fromEntries(params.keys.map((key) => [key, params.get(key) ?? undefined]));
}
