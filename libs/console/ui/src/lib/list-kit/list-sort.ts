import type { Sort, SortDirection } from '@angular/material/sort';

/** A list's order as Angular Material sort headers show it: `-latency` is latency, descending. */
export function matSortState(sort: string | null): { active: string; direction: SortDirection } {
  if (!sort) return { active: '', direction: '' };
  return sort.startsWith('-') ? { active: sort.slice(1), direction: 'desc' } : { active: sort, direction: 'asc' };
}

/** The order a click on a sort header asks for; no direction (a third click) means the list's default order. */
export function sortFromMatSort(event: Sort): string | null {
  if (!event.active || !event.direction) return null;
  return event.direction === 'desc' ? `-${event.active}` : event.active;
}
