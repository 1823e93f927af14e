// A route's own entry point: the detail page's chunk, apart from the list's.
export { ClientDetailPage } from './lib/client-detail-page';
