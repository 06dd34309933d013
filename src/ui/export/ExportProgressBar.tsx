/** The running export: a bar, bytes, variables, rate and time left, and Cancel. */
import { humanBytes } from '../../core/display';
import { useGraft } from '../../state/store';

const eta = (s: number | null) => (s === null ? '' : s < 60 ? `${Math.ceil(s)} s left` : `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s left`);

export function ExportProgressBar() {
  const p = useGraft((s) => s.exporting.progress);
  const stop = useGraft((s) => s.stopExport);
  const fraction = p ? (p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : p.variablesDone / Math.max(1, p.variablesTotal)) : 0;
  return (
    <div className="export-progress" data-testid="export-progress" data-fraction={fraction.toFixed(4)}>
      <progress max={1} value={fraction} aria-label="Export progress" />
      <div className="export-progress-text small">
        {p ? (
          <>
            <span data-testid="export-bytes">
              {humanBytes(p.bytesDone)} of {humanBytes(p.bytesTotal)}
            </span>
            {' · '}
            <span data-testid="export-variables">
              {p.variablesDone.toLocaleString('en-US')} / {p.variablesTotal.toLocaleString('en-US')} variables
            </span>
            {' · '}
            <span data-testid="export-rate">{humanBytes(p.rateBytesPerSec)}/s</span>
            {p.etaSeconds !== null && (
              <>
                {' · '}
                <span data-testid="export-eta">{eta(p.etaSeconds)}</span>
              </>
            )}
          </>
        ) : (
          <span className="muted">Starting…</span>
        )}
      </div>
      <button type="button" className="button small" data-testid="export-cancel" onClick={stop}>
        Cancel
      </button>
    </div>
  );
}
