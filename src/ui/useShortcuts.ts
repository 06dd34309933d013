/** Keyboard: Ctrl/⌘+Z undo, Shift+Ctrl/⌘+Z (or Ctrl+Y) redo, Delete unlinks the selected link, / searches, Esc backs out. */
import { useEffect } from 'react';
import { entryFor, selectPlan } from '../state/plan';
import { recipeHistory, useGraft } from '../state/store';

const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = useGraft.getState();
      const mod = e.ctrlKey || e.metaKey;
      if (e.key === 'Escape') {
        if (s.groupDrop) s.cancelGroupDrop();
        else if (typing(e.target)) (e.target as HTMLElement).blur();
        else if (s.search || s.statusFilter || s.problemsOnly) {
          s.setSearch('');
          if (s.statusFilter) s.setStatusFilter(s.statusFilter);
          s.setProblemsOnly(false);
        } else s.select(null);
        return;
      }
      if (typing(e.target)) return;
      if (mod && (e.key === 'z' || e.key === 'Z')) {
        e.preventDefault();
        if (e.shiftKey) recipeHistory.getState().redo();
        else recipeHistory.getState().undo();
      } else if (mod && e.key === 'y') {
        e.preventDefault();
        recipeHistory.getState().redo();
      } else if (e.key === '/' && !mod) {
        const search = document.querySelector<HTMLInputElement>('[data-testid="search"]');
        if (search) {
          e.preventDefault();
          search.focus();
        }
      } else if ((e.key === 'Delete' || e.key === 'Backspace') && s.selected?.slot === 'new') {
        const entry = entryFor(selectPlan(s), s.selected.name);
        if (entry && (entry.from.length > 0 || entry.pending)) {
          e.preventDefault();
          s.unlink(s.selected.name);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
