import { z } from 'zod';

export const MAX_PAGE_LIMIT = 100;
export const DEFAULT_PAGE_LIMIT = 10;

/** Query-string paging: strings in, bounded integers out. Unknown query keys are refused by each route. */
export const pagingQueryShape = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_LIMIT)
    .default(DEFAULT_PAGE_LIMIT)
    .describe(`Page size, 1–${MAX_PAGE_LIMIT}`),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0).describe('Rows to skip'),
};

export const pagingQuerySchema = z.strictObject(pagingQueryShape);
export type PagingQuery = z.infer<typeof pagingQuerySchema>;

/** Header carrying the total row count of a paged list. */
export const TOTAL_COUNT_HEADER = 'X-Total-Count';

export const uuidParamSchema = z.strictObject({ id: z.uuid() });
