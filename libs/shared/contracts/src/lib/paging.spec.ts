import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, pagingQuerySchema, uuidParamSchema } from './paging';

describe('pagingQuerySchema', () => {
  it('defaults to the first page of 10', () => {
    expect(pagingQuerySchema.parse({})).toEqual({ limit: DEFAULT_PAGE_LIMIT, offset: 0 });
    expect(DEFAULT_PAGE_LIMIT).toBe(10);
  });

  it('coerces query-string numbers', () => {
    expect(pagingQuerySchema.parse({ limit: '5', offset: '20' })).toEqual({ limit: 5, offset: 20 });
  });

  it('accepts the bounds 1 and 100', () => {
    expect(pagingQuerySchema.parse({ limit: '1' }).limit).toBe(1);
    expect(pagingQuerySchema.parse({ limit: String(MAX_PAGE_LIMIT) }).limit).toBe(100);
  });

  it.each(['0', '101', '-1', 'abc', '1e3', '2.5', ''])('refuses limit %p', (limit) => {
    const result = pagingQuerySchema.safeParse({ limit });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['limit']);
  });

  it.each(['-1', 'x', '0.5', '1000000001'])('refuses offset %p', (offset) => {
    expect(pagingQuerySchema.safeParse({ offset }).success).toBe(false);
  });

  it('refuses unknown query keys', () => {
    const result = pagingQuerySchema.safeParse({ limit: '5', sort: 'name' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['sort'] });
  });
});

describe('uuidParamSchema', () => {
  it('accepts a UUID and refuses anything else', () => {
    expect(uuidParamSchema.parse({ id: '0b6f0f5e-4a4c-4c8e-9b1a-2f7d3c9e8a11' })).toEqual({
      id: '0b6f0f5e-4a4c-4c8e-9b1a-2f7d3c9e8a11',
    });
    expect(uuidParamSchema.safeParse({ id: 'not-a-uuid' }).success).toBe(false);
    expect(uuidParamSchema.safeParse({ id: '1' }).success).toBe(false);
  });
});
