import type { AgentFilterRecord } from '../state';

export interface AppliedFilter {
  type: string;
  displayName: string;
  matched: boolean;
  reason?: string;
}

export interface FilterOutcome {
  status: 'allowed' | 'filtered' | 'dropped';
  /** The text to continue with (the modified one when filtered). */
  text: string;
  modifiedMessage?: string;
  appliedFilters: AppliedFilter[];
  matchedFilter?: { id: string; pattern: string; filterType: string; direction: string };
  action?: 'drop' | 'flag';
}

function compile(filter: AgentFilterRecord, global: boolean): RegExp | undefined {
  const flags = filter.regexFlags.replace(/g/g, '') + (global ? 'g' : '');
  try {
    return new RegExp(filter.pattern, flags);
  } catch {
    return undefined;
  }
}

/**
 * Applies the global agent filters of one direction to a chat text, highest priority first. The first
 * matching filter decides: `drop` → dropped; `filter` → matches replaced by `replaceContent` (or removed);
 * `none` → allowed but flagged.
 */
export function applyAgentFilters(
  filters: Iterable<AgentFilterRecord>,
  direction: 'incoming' | 'outgoing',
  text: string,
): FilterOutcome {
  const relevant = [...filters]
    .filter((f) => f.direction === direction || f.direction === 'bidirectional')
    .sort((a, b) => b.priority - a.priority || a.seq - b.seq);
  const appliedFilters: AppliedFilter[] = [];
  let decided: AgentFilterRecord | undefined;
  for (const filter of relevant) {
    const regex = compile(filter, false);
    const matched = decided === undefined && regex !== undefined && regex.test(text);
    appliedFilters.push({
      type: 'regex',
      displayName: `/${filter.pattern}/${filter.regexFlags}`,
      matched,
      ...(matched ? { reason: `Matched filter ${filter.id} (${filter.filterType})` } : {}),
    });
    if (matched) decided = filter;
  }
  if (!decided) {
    return { status: 'allowed', text, appliedFilters };
  }
  const matchedFilter = {
    id: decided.id,
    pattern: decided.pattern,
    filterType: decided.filterType,
    direction: decided.direction,
  };
  if (decided.filterType === 'drop') {
    return { status: 'dropped', text, appliedFilters, matchedFilter, action: 'drop' };
  }
  if (decided.filterType === 'filter') {
    const modified = text.replace(compile(decided, true) ?? /$^/, decided.replaceContent ?? '');
    return { status: 'filtered', text: modified, modifiedMessage: modified, appliedFilters, matchedFilter };
  }
  return { status: 'allowed', text, appliedFilters, matchedFilter, action: 'flag' };
}
