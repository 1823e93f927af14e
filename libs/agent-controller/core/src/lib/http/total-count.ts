import { TOTAL_COUNT_HEADER } from '@agent-controller/shared-contracts';
import type { Response } from 'express';

/** Sets `X-Total-Count` and returns the page, for list routes. */
export function withTotalCount<T>(response: Response, [items, total]: [T[], number]): T[] {
  response.setHeader(TOTAL_COUNT_HEADER, String(total));
  return items;
}
