import { MAX_PAGE_LIMIT } from '@agent-controller/shared-contracts';
import { dataOf, totalCountOf } from '@agent-controller/sdk';
import { Command } from 'commander';
import { integerIn } from './parsers';

/** One page of a list answer and how many match in all. */
export interface Page<Row> {
  rows: Row[];
  total: number | undefined;
}

export async function onePage<Row>(call: Promise<{ data?: Row[]; response: Response }>): Promise<Page<Row>> {
  const pending = call;
  const rows = await dataOf(pending);
  return { rows, total: totalCountOf((await pending).response) };
}

/** Every row of a paged list, `pageSize` at a time, until `X-Total-Count` rows are read (or a page is short). */
export async function allPages<Row>(
  fetchPage: (offset: number, limit: number) => Promise<Page<Row>>,
  pageSize = 100,
): Promise<Page<Row>> {
  const rows: Row[] = [];
  for (;;) {
    const page = await fetchPage(rows.length, pageSize);
    rows.push(...page.rows);
    if (page.rows.length < pageSize || (page.total !== undefined && rows.length >= page.total))
      return { rows, total: rows.length };
  }
}

/** `3 of 27 clients` (or `3 clients` when the total is unknown). */
export function countLine(page: Page<unknown>, noun: string): string {
  return page.total === undefined || page.total === page.rows.length
    ? `${page.rows.length} ${noun}`
    : `${page.rows.length} of ${page.total} ${noun} (--offset, --limit or --all for more)`;
}

/** The paging options of every `ls`. */
export interface PagingOptions {
  limit?: number;
  offset?: number;
  all?: boolean;
}

export function addPagingOptions(command: Command, noun: string): Command {
  return command
    .option('--limit <n>', `page size (1–${MAX_PAGE_LIMIT}, default 10)`, integerIn(1, MAX_PAGE_LIMIT))
    .option('--offset <n>', 'rows to skip', integerIn(0, 1_000_000_000))
    .option('--all', `every matching ${noun} (all pages)`);
}

/** The page the options ask for, or every page with --all. */
export function readPages<Row>(
  options: PagingOptions,
  fetchPage: (offset: number | undefined, limit: number | undefined) => Promise<Page<Row>>,
): Promise<Page<Row>> {
  return options.all ? allPages(fetchPage) : fetchPage(options.offset, options.limit);
}
