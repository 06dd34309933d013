/**
 * A finished export: the download (or the folder it went into), the self-check of what was written, the line that
 * loads it, the recipe and the Python script, and which TF.js backend ran.
 */
import { useState } from 'react';
import { humanBytes } from '../../core/display';
import type { ExportOutcome } from '../../state/export-slice';

type SavePicker = (opts: { suggestedName: string }) => Promise<{ createWritable(): Promise<WritableStream<Uint8Array>> }>;

/** "Save to disk…" where the browser has the File System Access API: the Blob streamed into the chosen file. */
function SaveToDisk({ result, blob }: { result: ExportOutcome; blob: Blob }) {
  const picker = (window as Window & { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
  const [state, setState] = useState<'idle' | 'saving' | 'saved' | string>('idle');
  if (!picker) return null;
  const save = async () => {
    try {
      const handle = await picker({ suggestedName: result.fileName });
      setState('saving');
      await blob.stream().pipeTo(await handle.createWritable());
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

/** The worker's re-read of the written files: checking, "verified: n/n", or each variable that did not read back. */
function SelfCheckLine({ result }: { result: ExportOutcome }) {
  const { check, checkError } = result;
  if (checkError) {
    return (
      <div className="message error small" role="alert" data-testid="export-check" data-state="failed">
        The written files could not be checked: {checkError}
      </div>
    );
  }
  if (!check) {
    return (
      <p className="small muted" data-testid="export-check" data-state="checking">
        Checking the written files: reading every variable back…
      </p>
    );
  }
  const ok = check.failed === 0;
  const line = `verified: ${check.verified}/${check.total}`;
  return (
    <div
      className={ok ? 'small' : 'message error small'}
      role={ok ? undefined : 'alert'}
      data-testid="export-check"
      data-state={ok ? 'ok' : 'failed'}
      data-verified={check.verified}
      data-total={check.total}
    >
      <b data-testid="export-check-count">{line}</b>
      {ok ? (
        <span className="muted"> — every variable read back from the written files with the bytes the export wrote ({check.seconds.toFixed(1)} s)</span>
      ) : (
        <>
          {' '}— {check.failed} variable{check.failed === 1 ? '' : 's'} did not read back as written; do not use this output:
          <ul data-testid="export-check-problems">
            {check.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** The line of code that loads the output, with a Copy button. */
function LoadLine({ line }: { line: string }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = () => {
    navigator.clipboard.writeText(line).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  };
  return (
    <p className="small">
      Load it into the new model with:
      <code className="export-load-line" data-testid="export-load-line">{line}</code>{' '}
      <button type="button" className="button small" data-testid="export-load-copy" onClick={copy} title="Copy this line to the clipboard">
        {copied === 'yes' ? 'Copied ✓' : copied === 'failed' ? 'Copy failed: select the line' : 'Copy'}
      </button>
    </p>
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
        {result.destination === 'folder' ? (
          <span data-testid="export-folder-done">
            {' '}
            — {result.files.length} file{result.files.length === 1 ? '' : 's'} into the folder <b>{result.fileName}</b>
          </span>
        ) : (
          result.files.length > 1 && <> — a zip of {result.files.length} files</>
        )}
        .
      </p>
      <p className="small" data-testid="export-arithmetic">
        Arithmetic (resizing, mean fills){result.backend ? ` on ${/webgpu|webgl/.test(result.backend) ? 'the GPU' : 'the CPU'} (` : ''}
        <b data-testid="export-backend" data-backend={result.backend ?? 'none'} data-used={result.backendUsed ?? ''} title={backendTitle} hidden={!result.backend}>
          {result.backend ?? ''}
        </b>
        {result.backend ? ')' : ':'}{' '}
        <span className="muted">{result.backendUsed ? '— it did the arithmetic this export needed' : `${result.backend ? '— ' : ''}not needed for this export: every value was copied or moved as bytes`}</span>
      </p>
      <div className="dialog-buttons">
        {result.url && result.blob && (
          <>
            <a className="button primary" data-testid="export-download" href={result.url} download={result.fileName} data-size={result.size}>
              Download {result.fileName} ({humanBytes(result.size)})
            </a>
            <SaveToDisk result={result} blob={result.blob} />
          </>
        )}
        <a className="button small" data-testid="export-recipe" href={result.recipeUrl} download="graft-recipe.json" title="graft apply --recipe applies it">
          Recipe (JSON)
        </a>
        <a className="button small" data-testid="export-python" href={result.pythonUrl} download="graft_merge.py" title="The same mapping with TensorFlow and NumPy, without Graft">
          Python script
        </a>
      </div>
      {result.files.length > 1 && <p className="muted small mono" data-testid="export-files">{result.files.join('  ')}</p>}
      <SelfCheckLine result={result} />
      <LoadLine line={result.loadLine} />
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
