import { useEffect } from 'react';
import type { SlotId } from '../worker/client';
import { useGraft } from '../state/store';
import { collectDropped, takeDropped } from './drop';

/** The slot whose card or empty box is under the pointer (`data-drop-slot`), or null for the rest of the page. */
function slotAt(target: EventTarget | null): SlotId | null {
  const el = target instanceof Element ? target.closest('[data-drop-slot]') : null;
  const slot = el?.getAttribute('data-drop-slot');
  return slot === 'old' || slot === 'new' ? slot : null;
}

/** Files or folders dropped anywhere are sorted into the slots; dropped onto a slot, they replace that slot. */
export function useWindowDrop(): void {
  const drop = useGraft((s) => s.drop);
  const setDragging = useGraft((s) => s.setDragging);
  useEffect(() => {
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      setDragging(slotAt(e.target) ?? 'page');
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(null);
    };
    const onDrop = (e: DragEvent) => {
      e.preventDefault();
      setDragging(null);
      if (!e.dataTransfer) return;
      const into = slotAt(e.target) ?? undefined;
      const pending = takeDropped(e.dataTransfer);
      void collectDropped(pending).then((files) => {
        if (files.length > 0) void drop(files, into ? { into } : {});
      });
    };
    window.addEventListener('dragenter', over);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', over);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', onDrop);
    };
  }, [drop, setDragging]);
}
