/** The export dialog: format, what will be written, Start, progress and Cancel, then the download. */
import { useEffect, useState } from 'react';
import { OUTPUT_FORMATS, SHARDABLE_FORMATS, type OutputFormat } from '../../core/formats/output-formats';
import { shardLimit } from '../../state/export-slice';
import { selectPlan } from '../../state/plan';
import { useGraft } from '../../state/store';
import { ExportProgressBar } from './ExportProgressBar';
import { ExportResult } from './ExportResult';
import { ExportSummary } from './ExportSummary';

const FORMAT_NAMES: Record<OutputFormat, string> = {
  tf: 'TensorFlow checkpoint (.index + .data, zipped)',
  tfjs: 'TF.js (model.json + shards, zipped)',
  keras: 'Keras 3 weights (.weights.h5)',
  'keras-legacy': 'Keras 2 weights (.h5)',
  safetensors: 'safetensors (.safetensors)',
  pytorch: 'PyTorch state dict (.pt)',
};

type DirectoryPicker = (opts: { mode: 'readwrite'; id?: string }) => Promise<FileSystemDirectoryHandle>;

/** `showDirectoryPicker` where the browser has it (Chromium): the files then go straight into a folder. */
const directoryPicker = (): DirectoryPicker | undefined => (window as Window & { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;

export function ExportPanel() {
  const ex = useGraft((s) => s.exporting);
  const setOpen = useGraft((s) => s.setExportOpen);
  const setFormat = useGraft((s) => s.setExportFormat);
  const start = useGraft((s) => s.startExport);
  const setDestination = useGraft((s) => s.setExportDestination);
  const setMaxShardSize = useGraft((s) => s.setExportMaxShardSize);
  const shardable = SHARDABLE_FORMATS.includes(ex.format);
  const shardError = shardLimit(ex.format, ex.maxShardSize).error;
  const picker = directoryPicker();
  const toFolder = picker !== undefined && ex.destination === 'folder';
  const [pickError, setPickError] = useState<string | null>(null);
  const onStart = async () => {
    setPickError(null);
    if (!toFolder) return start();
    let folder: FileSystemDirectoryHandle;
    try {
      folder = await picker({ mode: 'readwrite', id: 'graft-export' });
    } catch (e) {
      // Closing the picker is not an error.
      if (!(e instanceof DOMException && e.name === 'AbortError')) setPickError(`The folder could not be opened: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    return start(folder);
  };
  const blocked = useGraft((s) => {
    const plan = selectPlan(s);
    return !plan || (plan.summary.incompatible > 0 && !s.exporting.initialiseIncompatible);
  });
  const running = ex.status === 'running';
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !running) setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [running, setOpen]);
  return (
    <div className="dialog-backdrop">
      <div className="dialog export-panel" role="dialog" aria-modal="true" aria-labelledby="export-title" data-testid="export-panel" data-status={ex.status}>
        <h2 id="export-title">Export the merged checkpoint</h2>
        <label className="export-format">
          Format{' '}
          <select value={ex.format} disabled={running} data-testid="export-format" onChange={(e) => setFormat(e.currentTarget.value as OutputFormat)}>
            {OUTPUT_FORMATS.map((f) => (
              <option key={f} value={f}>
                {FORMAT_NAMES[f]}
              </option>
            ))}
          </select>
        </label>
        {picker && (
          <label className="export-destination">
            Save as{' '}
            <select value={ex.destination} disabled={running} data-testid="export-destination" onChange={(e) => setDestination(e.currentTarget.value as 'download' | 'folder')}>
              <option value="download">a download (files of several parts zipped)</option>
              <option value="folder">files written into a folder you pick (any size, nothing held in memory)</option>
            </select>
          </label>
        )}
        {shardable && (
          <label className="export-shard-size">
            Max shard size{' '}
            <input
              type="text"
              value={ex.maxShardSize}
              disabled={running}
              placeholder="none (e.g. 2GB, 500MiB)"
              spellCheck={false}
              aria-invalid={shardError !== undefined}
              aria-describedby={shardError ? 'export-shard-size-error' : undefined}
              data-testid="export-shard-size"
              onChange={(e) => setMaxShardSize(e.currentTarget.value)}
            />
            {shardError && (
              <span className="message error small" id="export-shard-size-error" role="alert" data-testid="export-shard-size-error">
                {shardError}
              </span>
            )}
          </label>
        )}
        <ExportSummary />
        {pickError && (
          <div className="message error" role="alert" data-testid="export-pick-error">
            {pickError}
          </div>
        )}
        {running && <ExportProgressBar />}
        {ex.status === 'error' && ex.error && (
          <div className="message error" role="alert" data-testid="export-error">
            <strong>The export failed; nothing was kept. </strong>
            {ex.error.message}
          </div>
        )}
        {ex.status === 'cancelled' && (
          <div className="message warning" data-testid="export-cancelled">
            The export was cancelled; nothing was kept.
          </div>
        )}
        {ex.status === 'done' && ex.result && <ExportResult result={ex.result} />}
        <div className="dialog-buttons">
          <button type="button" className="button primary" data-testid="export-start" disabled={running || blocked || shardError !== undefined} onClick={() => void onStart()}>
            {ex.status === 'done' ? 'Export again' : toFolder ? 'Choose a folder and start' : 'Start export'}
          </button>
          <button type="button" className="button subtle" data-testid="export-close" disabled={running} onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
        {blocked && !running && (
          <p className="muted small" data-testid="export-blocked">
            Some links do not fit: fix them on the canvas, or choose to initialise those variables.
          </p>
        )}
      </div>
    </div>
  );
}
