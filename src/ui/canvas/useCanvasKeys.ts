/**
 * The canvas by keyboard: ↑/↓ move, ←/→ fold and unfold (or go to the parent / first child), Tab / Shift+Tab cross to
 * the other side, Enter or Space opens a variable in the inspector or folds a scope, L starts a link from an old
 * variable (then Enter on a new one makes it), A accepts a proposal, Delete / Backspace removes a link, Esc cancels.
 */
import { type KeyboardEvent, useCallback, useState } from 'react';
import type { PlanEntry } from '../../core/mapping';
import { useGraft } from '../../state/store';
import { type KeyRow, across, parentRow, step } from './keys';
import type { Placed } from './layout';

export interface CanvasKeys {
  cursor: string | null;
  linkFrom: string | null;
  setCursor(id: string | null): void;
  onKeyDown(e: KeyboardEvent<HTMLElement>): void;
  /** What the keys are doing now, for the hint line (null when nothing special). */
  hint: string | null;
}

const nameOf = (n: Placed | undefined) => (n?.type === 'variable' ? n.first.name : undefined);

export function useCanvasKeys(nodes: readonly Placed[], entryOf: (to: string) => PlanEntry | undefined, entries: readonly PlanEntry[], reveal: (id: string) => void): CanvasKeys {
  const [cursor, setCursorState] = useState<string | null>(null);
  const [linkFrom, setLinkFrom] = useState<string | null>(null);
  const [hint, setHint] = useState<string | null>(null);
  const setCursor = useCallback(
    (id: string | null) => {
      setCursorState(id);
      if (id) reveal(id);
    },
    [reveal],
  );

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLElement>) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const rows: KeyRow[] = nodes.map((n) => ({ id: n.id, side: n.side, type: n.type, y: n.position.y, depth: n.depth, collapsed: n.collapsed }));
      const at = nodes.find((n) => n.id === cursor);
      const s = useGraft.getState();
      const name = nameOf(at);
      const side = at?.side;
      const done = () => {
        e.preventDefault();
        e.stopPropagation();
      };
      const go = (id: string | null) => id && setCursor(id);
      switch (e.key) {
        case 'ArrowDown':
        case 'ArrowUp':
        case 'Home':
        case 'End':
          done();
          return go(step(rows, cursor, e.key === 'ArrowDown' ? 'down' : e.key === 'ArrowUp' ? 'up' : e.key === 'Home' ? 'home' : 'end'));
        case 'ArrowRight':
        case 'ArrowLeft': {
          done();
          if (!at) return go(step(rows, null, 'down'));
          const open = e.key === 'ArrowRight';
          if (at.type === 'vargroup') {
            if (at.collapsed === open) return s.toggleNodeGroup(at.id);
            return go(open ? step(rows, cursor, 'down') : parentRow(rows, at.id));
          }
          return open ? undefined : go(parentRow(rows, at.id));
        }
        case 'Tab': {
          if ((side === 'old' && e.shiftKey) || (side === 'new' && !e.shiftKey)) return;
          done();
          const linked = name && side === 'old' ? entries.find((x) => x.from.includes(name) || x.pending?.from.includes(name))?.to : undefined;
          return go(across(rows, cursor, linked ? `new:${linked}` : null));
        }
        case 'Enter':
        case ' ': {
          if (!at) return;
          done();
          if (at.type === 'vargroup') return s.toggleNodeGroup(at.id);
          if (linkFrom && side === 'new' && name) {
            s.link(linkFrom, name);
            s.select({ slot: 'new', name });
            setHint(`Linked ${linkFrom} → ${name}.`);
            return setLinkFrom(null);
          }
          return name && side ? s.select({ slot: side, name }) : undefined;
        }
        case 'l':
        case 'L': {
          if (side !== 'old' || !name) return;
          done();
          setLinkFrom(name);
          const linked = entries.find((x) => x.from.includes(name) || x.pending?.from.includes(name))?.to;
          return go(across(rows, cursor, linked ? `new:${linked}` : null));
        }
        case 'a':
        case 'A': {
          const to = side === 'new' ? name : name ? entries.find((x) => x.pending?.from.includes(name))?.to : undefined;
          if (!to || !entryOf(to)?.pending) return;
          done();
          s.accept(to);
          return setHint(`Accepted the proposal for ${to}.`);
        }
        case 'Delete':
        case 'Backspace': {
          if (side !== 'new' || !name) return;
          const entry = entryOf(name);
          if (!entry || (entry.from.length === 0 && !entry.pending)) return;
          done();
          s.unlink(name);
          return setHint(`Removed the link to ${name}.`);
        }
        case 'Escape':
          if (linkFrom) {
            done();
            setLinkFrom(null);
            setHint(null);
          }
          return;
      }
    },
    [nodes, cursor, linkFrom, entries, entryOf, setCursor],
  );
  const linking = linkFrom ? `Linking from ${linkFrom}: move to a new variable (Tab, ↑/↓) and press Enter; Esc cancels.` : null;
  return { cursor, linkFrom, setCursor, onKeyDown, hint: linking ?? hint };
}
