/** Notes under the header: Start over just happened (undo), the built-in example loading, the saved work to drop again. */
import { humanBytes } from '../core/display';
import type { SavedSide } from '../state/saved-work';
import { useGraft } from '../state/store';
import './slots.css';

const fileList = (side: SavedSide) => side.files.map((f) => `${f.path} (${humanBytes(f.size)})`).join(', ');

function SavedWorkNote() {
  const work = useGraft((s) => s.savedWork);
  const forget = useGraft((s) => s.forgetSavedWork);
  if (!work) return null;
  const when = new Date(work.savedAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <div className="page-note" role="status" data-testid="saved-work">
      <span>
        <b>Your saved work</b> ({work.links} link{work.links === 1 ? '' : 's'}, {work.byHand} by you, saved {when}) comes back when you drop the same files again:
      </span>
      <span>
        old <span className="files" data-testid="saved-work-old">{fileList(work.old)}</span>
      </span>
      <span>
        and new <span className="files" data-testid="saved-work-new">{fileList(work.new)}</span>.
      </span>
      <span className="spacer" />
      <button type="button" className="button small subtle" data-testid="saved-work-forget" onClick={() => void forget()}>
        Forget it
      </button>
    </div>
  );
}

function StartedOverNote() {
  const kept = useGraft((s) => s.startedOver);
  const undo = useGraft((s) => s.undoStartOver);
  if (!kept) return null;
  return (
    <div className="page-note" role="status" data-testid="started-over">
      <span>Started over: both slots are empty{kept.recipeKey ? ' and the saved mapping is forgotten' : ''}.</span>
      <span className="spacer" />
      <button type="button" className="button small" data-testid="undo-start-over" onClick={() => void undo()}>
        Undo
      </button>
    </div>
  );
}

export function PageNotes() {
  const loadingExample = useGraft((s) => s.loadingExample);
  return (
    <>
      {loadingExample && (
        <div className="busy loading-example" data-testid="loading-example">
          Opening the built-in example…
        </div>
      )}
      <StartedOverNote />
      <SavedWorkNote />
    </>
  );
}
