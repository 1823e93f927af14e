import type { FileNode } from './agent-detail.types';

/** One directory's children as last read: `''` is the workspace root. */
export interface DirectoryListing {
  loading: boolean;
  error: string | null;
  nodes: FileNode[];
}

/** A line of the rendered tree: an entry, or a note under an open directory (loading, empty, failed). */
export type FileTreeRow =
  | { kind: 'node'; node: FileNode; depth: number; expanded: boolean }
  | { kind: 'note'; id: string; depth: number; text: string; error: boolean };

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

export function joinPath(directory: string, name: string): string {
  const clean = name.trim().replace(/^\/+|\/+$/g, '');
  return directory ? `${directory}/${clean}` : clean;
}

/** `path` itself or anything inside it. */
export function isWithin(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}/`);
}

/** The tree below `directory` as flat rows, opening only the expanded directories (depth-first, in order). */
export function flattenTree(
  listings: Readonly<Record<string, DirectoryListing>>,
  expanded: ReadonlySet<string>,
  directory = '',
  depth = 0,
): FileTreeRow[] {
  const listing = listings[directory];
  // The root's loading, failure and emptiness are the view's own states, not rows.
  // A directory read again keeps showing what it had.
  const waiting = listing?.loading && listing.nodes.length === 0;
  if (!listing || (depth === 0 && (waiting || listing.error))) return [];
  if (waiting) return [{ kind: 'note', id: `${directory}#loading`, depth, text: 'Loading…', error: false }];
  if (listing.error) return [{ kind: 'note', id: `${directory}#error`, depth, text: listing.error, error: true }];
  if (listing.nodes.length === 0) {
    return depth === 0 ? [] : [{ kind: 'note', id: `${directory}#empty`, depth, text: 'Empty folder', error: false }];
  }
  const rows: FileTreeRow[] = [];
  for (const node of listing.nodes) {
    const open = node.type === 'directory' && expanded.has(node.path);
    rows.push({ kind: 'node', node, depth, expanded: open });
    if (open) rows.push(...flattenTree(listings, expanded, node.path, depth + 1));
  }
  return rows;
}
