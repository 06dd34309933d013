import { useRef } from 'react';
import { useGraft } from '../state/store';
import { fromInput } from './drop';
import { SlotActions } from './SlotActions';

/** Pickers that sort what is picked like a drop does. */
function Pickers() {
  const drop = useGraft((s) => s.drop);
  const loadExample = useGraft((s) => s.loadExample);
  const fileRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  const onPick = (e: React.ChangeEvent<HTMLInputElement>) => {
    const files = fromInput(e.currentTarget.files);
    // Reset so picking the same files again still fires a change.
    e.currentTarget.value = '';
    if (files.length > 0) void drop(files);
  };
  return (
    <div className="pickers">
      <button type="button" className="button primary" onClick={() => fileRef.current?.click()}>
        Choose files
      </button>
      <button type="button" className="button" onClick={() => folderRef.current?.click()}>
        Choose folder
      </button>
      <button type="button" className="button subtle" data-testid="load-example" onClick={() => void loadExample()}>
        Load example
      </button>
      <input ref={fileRef} type="file" multiple hidden data-testid="file-input" onChange={onPick} />
      <input ref={folderRef} type="file" hidden data-testid="folder-input" onChange={onPick} {...{ webkitdirectory: '', directory: '' }} />
    </div>
  );
}

export function Header() {
  return (
    <header className="header">
      <div className="brand">
        <h1>Graft</h1>
        <p>
          Reuse trained weights after you changed your model: drop the <b>old checkpoint</b> and the <b>new model</b> — anywhere on the page,
          Graft sorts them. Nothing leaves your browser.
        </p>
      </div>
      <div className="header-actions">
        <Pickers />
        <SlotActions />
      </div>
    </header>
  );
}
