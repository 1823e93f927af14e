import { toPageLinks } from '../digitalocean/views';
import { linkHeader, toListMeta } from '../hetzner/views';

import { paginate, parsePageQuery } from './pagination';

const HETZNER = { defaultPerPage: 25, maxPerPage: 50 };
const DIGITALOCEAN = { defaultPerPage: 20, maxPerPage: 200 };
const items = Array.from({ length: 45 }, (_, i) => i + 1);

describe('parsePageQuery', () => {
  it('applies the defaults and caps per_page', () => {
    expect(parsePageQuery({}, HETZNER)).toEqual({ page: 1, perPage: 25 });
    expect(parsePageQuery({}, DIGITALOCEAN)).toEqual({ page: 1, perPage: 20 });
    expect(parsePageQuery({ page: '3', per_page: '500' }, HETZNER)).toEqual({ page: 3, perPage: 50 });
    expect(parsePageQuery({ per_page: '500' }, DIGITALOCEAN)).toEqual({ page: 1, perPage: 200 });
  });

  it.each([{ page: '0' }, { page: 'x' }, { per_page: '-1' }, { per_page: '1.5' }])('rejects %j', (query) => {
    expect(typeof parsePageQuery(query, HETZNER)).toBe('string');
  });
});

describe('paginate', () => {
  it('slices and counts pages (at least one)', () => {
    expect(paginate(items, { page: 3, perPage: 20 })).toMatchObject({
      items: [41, 42, 43, 44, 45],
      total: 45,
      lastPage: 3,
    });
    expect(paginate([], { page: 1, perPage: 20 })).toMatchObject({ items: [], total: 0, lastPage: 1 });
    expect(paginate(items, { page: 9, perPage: 20 }).items).toEqual([]);
  });
});

describe('Hetzner pagination', () => {
  const url = new URL('http://h/v1/servers?label_selector=a%3Db&per_page=20&page=2');

  it('fills meta.pagination with nulls at the ends', () => {
    expect(toListMeta(paginate(items, { page: 2, perPage: 20 }))).toEqual({
      pagination: { page: 2, per_page: 20, previous_page: 1, next_page: 3, last_page: 3, total_entries: 45 },
    });
    expect(toListMeta(paginate(items, { page: 1, perPage: 50 })).pagination).toMatchObject({
      previous_page: null,
      next_page: null,
      last_page: 1,
    });
  });

  it('sets prev, next and last links keeping the other query parameters', () => {
    expect(linkHeader(url, paginate(items, { page: 2, perPage: 20 }))).toBe(
      '<http://h/v1/servers?label_selector=a%3Db&per_page=20&page=1>; rel="prev", ' +
        '<http://h/v1/servers?label_selector=a%3Db&per_page=20&page=3>; rel="next", ' +
        '<http://h/v1/servers?label_selector=a%3Db&per_page=20&page=3>; rel="last"',
    );
  });
});

describe('DigitalOcean pagination', () => {
  const url = new URL('http://d/v2/droplets?tag_name=x');

  it('gives only the links that make sense', () => {
    expect(toPageLinks(url, paginate(items, { page: 1, perPage: 20 }))).toEqual({
      links: {
        pages: {
          next: 'http://d/v2/droplets?tag_name=x&page=2&per_page=20',
          last: 'http://d/v2/droplets?tag_name=x&page=3&per_page=20',
        },
      },
    });
    expect(Object.keys(toPageLinks(url, paginate(items, { page: 3, perPage: 20 })).links?.pages ?? {})).toEqual([
      'first',
      'prev',
    ]);
    expect(toPageLinks(url, paginate(items, { page: 1, perPage: 200 }))).toEqual({ links: { pages: {} } });
  });
});
