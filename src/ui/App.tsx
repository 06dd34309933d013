import { useEffect } from 'react';
import { useGraft } from '../state/store';
import { collectDropped, takeDropped } from './drop';
import { EmptyState } from './EmptyState';
import { Header } from './Header';
import { Messages } from './Messages';
import { TensorPanel } from './TensorPanel';
import { VariableTable } from './VariableTable';

let exampleRequested = false;

/** Files or folders dropped anywhere on the window open like picked ones. */
function useWindowDrop(): void {
  const openFiles = useGraft((s) => s.openFiles);
  const setDragging = useGraft((s) => s.setDragging);
  useEffect(() => {
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      e.preventDefault();
      setDragging(false);
      if (!e.dataTransfer) return;
      const pending = takeDropped(e.dataTransfer);
      void collectDropped(pending).then((files) => {
        if (files.length > 0) void openFiles(files);
      });
    };
    window.addEventListener('dragenter', over);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', over);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [openFiles, setDragging]);
}

export function App() {
  const hasCheckpoint = useGraft((s) => s.checkpoint !== null);
  const dragging = useGraft((s) => s.dragging);
  const loadExample = useGraft((s) => s.loadExample);
  useWindowDrop();
  useEffect(() => {
    // Once per page load (StrictMode runs effects twice in development).
    if (exampleRequested) return;
    exampleRequested = true;
    void loadExample({ quiet: true });
  }, [loadExample]);

  return (
    <div className="app">
      <Header />
      <Messages />
      {hasCheckpoint ? (
        <main className="workspace">
          <VariableTable />
          <TensorPanel />
        </main>
      ) : (
        <EmptyState />
      )}
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <div>Drop to open: a checkpoint’s files or its folder</div>
        </div>
      )}
    </div>
  );
}
