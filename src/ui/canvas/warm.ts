/**
 * A side's model order and tree are built as soon as its listing is in while the other side is not (the page waits
 * on the worker or the person then): the canvas's first draw finds them made instead of building both sides at once.
 */
import type { GraftState } from '../../state/types';
import type { SlotData } from '../../worker/client';
import { filtersActive, visibleNames } from './filter';
import { warmSide } from './layout';

/** The format a side's order follows: the old slot's format id; the new slot's model JSON kind or template format. */
export const sideFormat = (side: 'old' | 'new', data: SlotData | null | undefined): string =>
  !data ? '' : side === 'old' || data.kind === 'template' ? data.format : data.kind;

type Subscribe = (listener: (s: GraftState) => void) => () => void;

/** Warms each side whose listing is in while the other's is not; returns the unsubscribe. */
export function warmSidesAhead(subscribe: Subscribe, later: (run: () => void) => void = (run) => setTimeout(run, 0)): () => void {
  const warmed = new WeakSet<object>();
  return subscribe((s) => {
    const filters = { search: s.search, statusFilter: s.statusFilter, problemsOnly: s.problemsOnly, showState: s.showState };
    if (filtersActive(filters)) return;
    for (const side of ['old', 'new'] as const) {
      const slot = s.slots[side];
      const other = s.slots[side === 'old' ? 'new' : 'old'];
      const vars = slot.data?.variables;
      if (!vars || slot.status !== 'ready' || other.status === 'ready' || warmed.has(vars)) continue;
      // The canvas draws this side now, while the other opens (Workspace): it builds the same, before a warm could.
      if (s.mode === 'canvas' && other.status === 'opening') continue;
      warmed.add(vars);
      const format = sideFormat(side, slot.data);
      later(() => {
        const shown = side === 'old' ? visibleNames(vars, [], null, filters, () => undefined).old : visibleNames([], vars, null, filters, () => undefined).new;
        warmSide(vars, format, shown);
      });
    }
  });
}
