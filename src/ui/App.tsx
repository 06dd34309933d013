import { useEffect } from 'react';
import { useGraft } from '../state/store';
import { GroupDropDialog } from './GroupDropDialog';
import { Header } from './Header';
import { Messages } from './Messages';
import { PageNotes } from './PageNotes';
import { RouteDialog } from './RouteDialog';
import { useShortcuts } from './useShortcuts';
import { useWindowDrop } from './useWindowDrop';
import { Workspace } from './Workspace';

let exampleRequested = false;

export function App() {
  const dragging = useGraft((s) => s.dragging);
  const loadExample = useGraft((s) => s.loadExample);
  const loadSavedWork = useGraft((s) => s.loadSavedWork);
  useWindowDrop();
  useShortcuts();
  useEffect(() => {
    // Once per page load (StrictMode runs effects twice in development).
    if (exampleRequested) return;
    exampleRequested = true;
    void loadExample({ quiet: true });
    void loadSavedWork();
  }, [loadExample, loadSavedWork]);

  return (
    <div className="app">
      <Header />
      <Messages />
      <PageNotes />
      <Workspace />
      <RouteDialog />
      <GroupDropDialog />
      {dragging && (
        <div className="drop-banner" aria-hidden="true">
          {dragging === 'page'
            ? 'Drop anywhere: Graft puts checkpoints in Old and model JSONs in New — or drop onto one side to put the files there.'
            : `Drop to put these files in the ${dragging === 'old' ? 'old checkpoint' : 'new model'} slot.`}
        </div>
      )}
    </div>
  );
}
