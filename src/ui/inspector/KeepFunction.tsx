/**
 * "Keep the function" on a widened Dense/Conv kernel: asks the worker what Net2Net growth would change (new units copy
 * old ones, readers divide by the copy count, inserted layers start as identity), shows it, and applies it as one
 * undoable recipe edit. Without it the widening stays as matched: new units initialised, their outgoing weights zero.
 */
import { useState } from 'react';
import { withKeepFunction, type KeepFunctionResult, type PlanEntry } from '../../core/mapping';
import { errorData } from '../../worker/client';
import { useGraft } from '../../state/store';

const KERNELS = /^(Dense|Conv[123]D)$/;

/** Whether `entry` is the kernel of a layer with more output units than the old kernel linked to it. */
function isWidenedKernel(entry: PlanEntry, layerClass: string | undefined, oldShape: number[] | undefined): boolean {
  if (!layerClass || !KERNELS.test(layerClass) || !oldShape || oldShape.length !== entry.shape.length || !/kernel$/.test(entry.to)) return false;
  const out = entry.shape.length - 1;
  return oldShape[out]! < entry.shape[out]!;
}

function Proposal({ result, onApply, onClose }: { result: KeepFunctionResult; onApply: () => void; onClose: () => void }) {
  if (result.refused.length) {
    return (
      <div className="message error" role="alert" data-testid="keep-function-refused">
        {result.refused.join(' ')}
      </div>
    );
  }
  return (
    <div data-testid="keep-function-preview">
      <ul className="small">
        {result.widened.map((w) => (
          <li key={w.layer}>
            <span className="mono">{w.layer}</span>: {w.from} → {w.to} units; new units copy {w.mapping.slice(w.from).join(', ')}
          </li>
        ))}
        {result.deepened.length > 0 && <li>Inserted as identity: <span className="mono">{result.deepened.join(', ')}</span></li>}
        <li>{result.links.length} links change: {result.links.map((l) => `${l.to} (${l.transforms.map((t) => t.op).join(' → ')})`).join(', ')}</li>
      </ul>
      {result.notes.map((n) => (
        <div key={n} className="message warning small">
          {n}
        </div>
      ))}
      <div className="actions">
        <button type="button" className="button primary small" data-testid="keep-function-apply" onClick={onApply}>
          Apply
        </button>
        <button type="button" className="button small" onClick={onClose}>
          Cancel
        </button>
      </div>
    </div>
  );
}

export function KeepFunction({ entry, layerClass }: { entry: PlanEntry; layerClass: string | undefined }) {
  const from = entry.from.length ? entry.from : (entry.pending?.from ?? []);
  const oldShape = useGraft((s) => (from.length === 1 ? s.slots.old.data?.variables.find((v) => v.name === from[0])?.shape : undefined));
  const propose = useGraft((s) => s.proposeKeepFunction);
  const edit = useGraft((s) => s.edit);
  const [result, setResult] = useState<KeepFunctionResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!isWidenedKernel(entry, layerClass, oldShape)) return null;
  const ask = async () => {
    setError(null);
    try {
      setResult(await propose());
    } catch (e) {
      setError(errorData(e).message);
    }
  };
  return (
    <div className="steps-box keep-function" data-testid="keep-function">
      {!result && (
        <button type="button" className="button small" data-testid="keep-function-propose" onClick={() => void ask()}>
          Keep the function…
        </button>
      )}{' '}
      <span className="muted small" title="New units copy old ones and the layers reading them divide by the copy count, so the model computes what it did (Net2Net)">
        new units copy old ones: the model computes what it did (Net2Net)
      </span>
      {error && <div className="message error">{error}</div>}
      {result && (
        <Proposal
          result={result}
          onClose={() => setResult(null)}
          onApply={() => {
            edit((r) => withKeepFunction(r, result));
            setResult(null);
          }}
        />
      )}
    </div>
  );
}
