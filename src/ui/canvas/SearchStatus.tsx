/** Over the canvas while searching: how many variables match on each side, "fit to results", or why nothing shows. */
import { useEffect, useMemo, useRef } from 'react';
import { useGraft } from '../../state/store';
import type { SearchText } from './filter';

interface Props {
  search: string;
  shown: { old: Set<string>; new: Set<string> };
  empty: { text: string; showState: boolean } | null;
  text: SearchText;
  /** Where each variable is drawn (`side\0name` → node id): read only while searching (it is built when first read). */
  drawn: { readonly at: ReadonlyMap<string, string> };
  fit(ids: string[]): void;
}

export function SearchStatus({ search, shown, empty, text, drawn, fit }: Props) {
  const setShowState = useGraft((s) => s.setShowState);
  const needle = search.trim().toLowerCase();
  const matches = useMemo(() => {
    const out = { old: 0, new: 0, ids: new Set<string>() };
    if (!needle) return out;
    const at = drawn.at;
    for (const side of ['old', 'new'] as const) {
      for (const name of shown[side]) {
        // Fitted: the matches and the other ends of their links (shown with them).
        const id = at.get(`${side}\0${name}`);
        if (id) out.ids.add(id);
        if (text[side].get(name)?.includes(needle)) out[side]++;
      }
    }
    return out;
  }, [needle, shown, text, drawn]);
  // Each new search brings its results into view once (the person may pan away afterwards).
  const fitted = useRef('');
  useEffect(() => {
    if (!needle || fitted.current === needle || matches.ids.size === 0) return;
    fitted.current = needle;
    const ids = [...matches.ids];
    const frame = requestAnimationFrame(() => fit(ids));
    return () => cancelAnimationFrame(frame);
  }, [needle, matches, fit]);
  if (empty) {
    return (
      <div className="canvas-search is-empty" role="status" data-testid="canvas-empty">
        <span>Nothing to show: {empty.text}.</span>
        {empty.showState && (
          <button type="button" className="button small" data-testid="empty-show-state" onClick={() => setShowState(true)}>
            Show optimizer &amp; bookkeeping
          </button>
        )}
      </div>
    );
  }
  if (!needle) return null;
  const total = matches.old + matches.new;
  return (
    <div className="canvas-search" role="status" data-testid="search-status">
      <span data-testid="search-count">
        {total} match{total === 1 ? '' : 'es'} ({matches.old} old · {matches.new} new)
      </span>
      <button type="button" className="button small" data-testid="search-fit" disabled={matches.ids.size === 0} onClick={() => fit([...matches.ids])}>
        Fit to results
      </button>
    </div>
  );
}
