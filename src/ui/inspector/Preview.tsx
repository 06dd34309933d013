/** Before/after values of the selected link, computed in the worker from the real bytes, for this item only. */
import { useEffect, useMemo } from 'react';
import type { PlanEntry } from '../../core/mapping';
import { formatShape, formatValue } from '../../core/display';
import { previewable } from '../../state/plan';
import { useGraft } from '../../state/store';
import type { InspectResult } from '../../worker/client';
import { Heatmap } from '../Heatmap';
import { Histogram } from '../Histogram';

/** `picker`: this side offers the choice of 2-D view of a 4-D kernel (one side does, for both). */
function Values({ title, hint, result, testId, shape, picker }: { title: string; hint: string; result: InspectResult | null; testId: string; shape: number[]; picker: boolean }) {
  return (
    <div className="preview-side" data-testid={testId}>
      <h3 title={hint}>
        {title} <span className="muted mono small">{formatShape(shape)}</span>
      </h3>
      {result?.kind === 'numbers' ? (
        <>
          <div className="preview-stats mono small" data-testid={`${testId}-stats`}>
            min {formatValue(result.summary.min)} · max {formatValue(result.summary.max)} · mean {formatValue(result.summary.mean)} · zeros{' '}
            {result.summary.zeros.toLocaleString('en-US')}
          </div>
          {result.heatmap && <Heatmap data={result.heatmap} shape={picker ? shape : [result.heatmap.viewRows, result.heatmap.viewCols]} />}
          <Histogram data={result.histogram} />
        </>
      ) : result ? (
        <p className="muted small">{result.kind === 'opaque' ? result.reason : `${result.kind}: no values to draw`}</p>
      ) : null}
    </div>
  );
}

/** `fill`: what an unlinked variable is written as, in words (`fillWords`). */
export function Preview({ entry, fill }: { entry: PlanEntry; fill: string }) {
  const preview = useGraft((s) => s.preview);
  const request = useGraft((s) => s.requestPreview);
  const recipe = useGraft((s) => s.recipe);
  const slots = useGraft((s) => s.slots);
  const target = useMemo(() => previewable(entry, recipe, { slots }), [entry, recipe, slots]);
  const kernelView = useGraft((s) => s.view.kernel);
  const key = JSON.stringify([target.to, target.status, target.from, target.transforms, target.fill ?? '', kernelView]);
  // Keyed on `key` alone, on purpose: asked again only when what the preview depends on changed, not each time
  // `target` is a new object with the same content.
  useEffect(() => {
    request(target);
  }, [key]);
  const result = preview.result;
  const olds = useGraft((s) => s.slots.old.data?.variables);
  const beforeShape = (i: number) => olds?.find((v) => v.name === target.from[i])?.shape ?? [];
  const pickerSide = [...target.from.map((_, i) => `before-${i}`), 'after'].find((side) => (side === 'after' ? target.shape : beforeShape(Number(side.slice(7)))).length === 4);
  return (
    <section className={`preview${preview.status === 'loading' ? ' is-loading' : ''}`} data-testid="preview" data-status={preview.status}>
      {preview.status === 'loading' && (
        <div className="loading" role="status" data-testid="preview-loading">
          Computing the preview from the real values…
        </div>
      )}
      {preview.status === 'error' && preview.error && (
        <div className="message error" role="alert" data-testid="preview-error">
          {preview.error.message}
        </div>
      )}
      {result && (
        <div className="preview-grid">
          {result.before.map((b, i) => (
            <Values
              key={i}
              title={target.from.length > 1 ? `Before: ${target.from[i]}` : 'Before'}
              hint={`The old values of ${target.from[i]}`}
              result={b}
              testId={i === 0 ? 'preview-before' : `preview-before-${i}`}
              shape={beforeShape(i)}
              picker={pickerSide === `before-${i}`}
            />
          ))}
          {result.after ? (
            <Values
              title={target.from.length || target.transforms.length ? 'After' : `Written as ${fill}`}
              hint={target.from.length || target.transforms.length ? 'What the new model gets' : 'No link: what the new model gets'}
              result={result.after} testId="preview-after" shape={target.shape} picker={pickerSide === 'after'} />
          ) : (
            <p className="muted small">No result: this link does not fit yet.</p>
          )}
        </div>
      )}
      {result && (
        <p className="muted small preview-key" data-testid="preview-key">
          Histograms: bar height is how many values (square-root scale); dashed line: zero.
        </p>
      )}
    </section>
  );
}
