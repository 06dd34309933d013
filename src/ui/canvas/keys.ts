/**
 * Moving the canvas's keyboard cursor over its rows: up/down within a side, left/right through the tree, Tab to the
 * row across. Pure: works on the laid-out rows (each side's in top-to-bottom order).
 */
export interface KeyRow {
  id: string;
  side: 'old' | 'new';
  type: 'vargroup' | 'variable';
  y: number;
  depth: number;
  collapsed?: boolean;
}

const sideRows = (rows: readonly KeyRow[], side: 'old' | 'new') => rows.filter((r) => r.side === side);

/** The row above/below, or the first/last of the side; the first old row when there is no cursor yet. */
export function step(rows: readonly KeyRow[], cursor: string | null, key: 'up' | 'down' | 'home' | 'end'): string | null {
  const at = rows.find((r) => r.id === cursor);
  if (!at) return rows[0]?.id ?? null;
  const list = sideRows(rows, at.side);
  const i = list.indexOf(at);
  const j = key === 'up' ? Math.max(0, i - 1) : key === 'down' ? Math.min(list.length - 1, i + 1) : key === 'home' ? 0 : list.length - 1;
  return list[j]!.id;
}

/** The scope row a row sits in (the nearest row above it that is shallower), or null at the top level. */
export function parentRow(rows: readonly KeyRow[], cursor: string): string | null {
  const at = rows.find((r) => r.id === cursor);
  if (!at) return null;
  const list = sideRows(rows, at.side);
  for (let i = list.indexOf(at) - 1; i >= 0; i--) if (list[i]!.type === 'vargroup' && list[i]!.depth < at.depth) return list[i]!.id;
  return null;
}

/** The row across, nearest in height to the cursor's (or `prefer` where it is on that side). */
export function across(rows: readonly KeyRow[], cursor: string | null, prefer?: string | null): string | null {
  const at = rows.find((r) => r.id === cursor);
  const side = at?.side === 'old' ? 'new' : 'old';
  const list = sideRows(rows, side);
  if (prefer && list.some((r) => r.id === prefer)) return prefer;
  if (list.length === 0) return null;
  if (!at) return list[0]!.id;
  let best = list[0]!;
  for (const r of list) if (Math.abs(r.y - at.y) < Math.abs(best.y - at.y)) best = r;
  return best.id;
}
