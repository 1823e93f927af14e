// A route's own entry point: the list's chunk holds the list page alone, not the client detail page and its dialogs.
export { ClientsPage } from './lib/clients-page';
