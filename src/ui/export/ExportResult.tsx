/** A finished export: the download, the recipe and the Python script, and which TF.js backend ran. */
import { useState } from 'react';
import { humanBytes } from '../../core/display';
import type { ExportOutcome } from '../../state/export-slice';

type SavePicker = (opts: { suggestedName: string }) => Promise<{ createWritable(): Promise<WritableStream<Uint8Array>> }>;

/** "Save to disk…" where the browser has the File System Access API: the Blob streamed into the chosen file. */
function SaveToDisk({ result }: { result: ExportOutcome }) {
  const picker = (window as Window & { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
  const [state, setState] = useState<'idle' | 'saving' | 'saved' | string>('idle');
  if (!picker) return null;
  const save = async () => {
    try {
      const handle = await picker({ suggestedName: result.fileName });
      setState('saving');
      await result.blob.stream().pipeTo(await handle.createWritable());
      setState('saved');
    } catch (e) {
      setState(e instanceof DOMException && e.name === 'AbortError' ? 'idle' : `The file was not saved: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <>
      <button type="button" className="button small" data-testid="export-save-disk" disabled={state === 'saving'} onClick={() => void save()}>
        {state === 'saving' ? 'Saving…' : state === 'saved' ? 'Saved ✓' : 'Save to disk…'}
      </button>
      {state !== 'idle' && state !== 'saving' && state !== 'saved' && <span className="export-save-error small">{state}</span>}
    </>
  );
}

export function ExportResult({ result }: { result: ExportOutcome }) {
  const backendTitle = [
    result.backendUsed ? `Arithmetic (resize, mean fills) ran on TF.js ${result.backendUsed}.` : 'No variable needed arithmetic: everything was copied or moved as bytes.',
    ...result.backendNotes.map((n) => `Passed over ${n}`),
  ].join('\n');
  return (
    <div className="export-result" data-testid="export-result">
      <p>
        Wrote <b>{result.variables.toLocaleString('en-US')}</b> variables, {humanBytes(result.bytes)} in {result.wallSeconds.toFixed(1)} s
        {result.files.length > 1 && <> — a zip of {result.files.length} files</>}.
      </p>
      <p className="small">
        TF.js backend:{' '}
        <b data-testid="export-backend" data-backend={result.backend ?? 'none'} data-used={result.backendUsed ?? ''} title={backendTitle}>
          {result.backend ?? 'none'}
        </b>
        <span className="muted">{result.backendUsed ? ' (ran the arithmetic)' : ' (ready; nothing needed arithmetic)'}</span>
      </p>
      <div className="dialog-buttons">
        <a className="button primary" data-testid="export-download" href={result.url} download={result.fileName} data-size={result.size}>
          Download {result.fileName} ({humanBytes(result.size)})
        </a>
        <SaveToDisk result={result} />
        <a className="button small" data-testid="export-recipe" href={result.recipeUrl} download="graft-recipe.json" title="graft apply --recipe applies it">
          Recipe (JSON)
        </a>
        <a className="button small" data-testid="export-python" href={result.pythonUrl} download="graft_merge.py" title="The same mapping with TensorFlow and NumPy, without Graft">
          Python script
        </a>
      </div>
      {result.files.length > 1 && <p className="muted small mono" data-testid="export-files">{result.files.join('  ')}</p>}
      <p className="small">
        Load it into the new model with:
        <code className="export-load-line" data-testid="export-load-line">{result.loadLine}</code>
      </p>
      {result.notes.length > 0 && (
        <ul className="message warning small" data-testid="export-notes">
          {result.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
