import { useRef } from 'react';
import { useGraft } from '../state/store';
import { fromInput } from './drop';

function Pickers() {
  const openFiles = useGraft((s) => s.openFiles);
  const loadExample = useGraft((s) => s.loadExample);
  const fileRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  const onPick = (e: React.ChangeEvent<HTMLInputElement>) => {
    const files = fromInput(e.currentTarget.files);
    // Reset so picking the same files again still fires a change.
    e.currentTarget.value = '';
    if (files.length > 0) void openFiles(files);
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
      <input
        ref={folderRef}
        type="file"
        hidden
        data-testid="folder-input"
        onChange={onPick}
        {...{ webkitdirectory: '', directory: '' }}
      />
    </div>
  );
}

function Source() {
  const checkpoint = useGraft((s) => s.checkpoint);
  const origin = useGraft((s) => s.origin);
  const status = useGraft((s) => s.status);
  const candidates = useGraft((s) => s.candidates);
  const candidateId = useGraft((s) => s.candidateId);
  const chooseCandidate = useGraft((s) => s.chooseCandidate);
  if (!checkpoint && status !== 'opening') return null;
  return (
    <div className="source" data-testid="source">
      {checkpoint && (
        <>
          <span className="source-label" data-testid="checkpoint-label" title={checkpoint.files.join('\n')}>
            {checkpoint.label}
          </span>
          <span className="muted">
            {origin === 'example' ? 'built-in example · ' : ''}TensorFlow checkpoint · {checkpoint.files.length} file
            {checkpoint.files.length === 1 ? '' : 's'}
          </span>
        </>
      )}
      {candidates.length > 1 && (
        <label className="candidate">
          <span className="muted">Checkpoint</span>
          <select
            data-testid="candidate-picker"
            value={candidateId}
            disabled={status === 'opening'}
            onChange={(e) => void chooseCandidate(e.currentTarget.value)}
          >
            {candidates.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
                {c.isDefault ? ' (latest)' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      {checkpoint && <span className="muted small drop-hint">Drop other files anywhere on the page to open them instead.</span>}
      {status === 'opening' && (
        <span className="busy" data-testid="opening">
          Opening…
        </span>
      )}
    </div>
  );
}

export function Header() {
  return (
    <header className="header">
      <div className="brand">
        <h1>Graft</h1>
        <p>Reuse trained weights after you changed your model. Start by dropping a TensorFlow checkpoint to see what is inside; nothing leaves your browser.</p>
      </div>
      <Pickers />
      <Source />
    </header>
  );
}
