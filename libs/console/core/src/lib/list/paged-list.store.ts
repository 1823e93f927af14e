import { computed, signal } from '@angular/core';
import { apiErrorMessage } from '../api-error';

/** What one list asks the controller for: its filters, one page of a size, and an order (`-field` descending). */
export interface PageRequest<F> {
  filters: F;
  pageIndex: number;
  pageSize: number;
  sort: string | null;
}

/** One page of rows and how many rows match in all (the X-Total-Count the controller answers with). */
export interface ListPage<T> {
  items: T[];
  total: number;
}

/** A list's view: what the URL keeps so reload and share show the same rows. */
export interface ListView<F> {
  filters: F;
  pageIndex: number;
  pageSize: number;
  sort: string | null;
}

export interface PagedListOptions<F> {
  filters: F;
  pageSize?: number;
  sort?: string | null;
}

/**
 * A paged, sorted, filtered list read from the controller: the rows, the total, the view that asked for them, and
 * whether the last read is under way or failed. Subclasses say how a page is fetched; the answer of an older
 * request arriving late never replaces a newer one.
 */
export abstract class PagedListStore<T, F extends object = Record<string, never>> {
  private request = 0;
  private readonly initial: ListView<F>;

  readonly filters;
  readonly pageIndex = signal(0);
  readonly pageSize;
  readonly sort;
  readonly items = signal<T[]>([]);
  readonly total = signal(0);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly empty = computed(() => !this.loading() && !this.error() && this.items().length === 0);
  /** Whether any filter differs from the list's starting point (for "no rows match" versus "no rows yet"). */
  readonly filtered = computed(() =>
    Object.entries(this.filters()).some(
      ([key, value]) => value !== (this.initial.filters as Record<string, unknown>)[key],
    ),
  );

  protected constructor(options: PagedListOptions<F>) {
    this.initial = {
      filters: options.filters,
      pageIndex: 0,
      pageSize: options.pageSize ?? 25,
      sort: options.sort ?? null,
    };
    this.filters = signal<F>(options.filters);
    this.pageSize = signal(this.initial.pageSize);
    this.sort = signal<string | null>(this.initial.sort);
  }

  protected abstract fetchPage(request: PageRequest<F>): Promise<ListPage<T>>;

  /** The view as it is now. */
  view(): ListView<F> {
    return { filters: this.filters(), pageIndex: this.pageIndex(), pageSize: this.pageSize(), sort: this.sort() };
  }

  /** The view the list starts with; URL state leaves out what equals it. */
  defaultView(): ListView<F> {
    return this.initial;
  }

  async load(): Promise<void> {
    const request = ++this.request;
    this.loading.set(true);
    this.error.set(null);
    try {
      const page = await this.fetchPage(this.view());
      if (request !== this.request) return;
      this.items.set(page.items);
      this.total.set(page.total);
    } catch (error) {
      if (request === this.request) this.error.set(apiErrorMessage(error));
    } finally {
      if (request === this.request) this.loading.set(false);
    }
  }

  /** Shows a view (e.g. read from the URL) and reads its rows. */
  applyView(view: ListView<F>): Promise<void> {
    this.filters.set(view.filters);
    this.pageIndex.set(view.pageIndex);
    this.pageSize.set(view.pageSize);
    this.sort.set(view.sort);
    return this.load();
  }

  /** Changed filters start again at the first page. */
  setFilters(filters: Partial<F>): Promise<void> {
    this.filters.update((current) => ({ ...current, ...filters }));
    this.pageIndex.set(0);
    return this.load();
  }

  clearFilters(): Promise<void> {
    return this.setFilters(this.initial.filters);
  }

  setPage(pageIndex: number, pageSize: number): Promise<void> {
    this.pageIndex.set(pageIndex);
    this.pageSize.set(pageSize);
    return this.load();
  }

  /** A new order starts again at the first page. */
  setSort(sort: string | null): Promise<void> {
    this.sort.set(sort);
    this.pageIndex.set(0);
    return this.load();
  }

  /** After rows were removed: the last row of a later page steps back a page so it is not empty. */
  reloadAfterRemoving(count: number): Promise<void> {
    if (this.items().length <= count && this.pageIndex() > 0) this.pageIndex.update((index) => index - 1);
    return this.load();
  }
}
