import type { TensorInfo } from '../core/model/checkpoint';
import type { InspectResult } from '../worker/client';
import { useGraft } from '../state/store';
import { formatShape, formatValue, humanBytes, humanCount } from '../core/format';
import { Heatmap } from './Heatmap';
import { Histogram } from './Histogram';
import { KIND_LABEL, elements } from './table-model';

function Meta({ tensor }: { tensor: TensorInfo }) {
  const rows: [string, string, string][] = [
    ['dtype', tensor.dtype, 'meta-dtype'],
    ['shape', formatShape(tensor.shape), 'meta-shape'],
    ['elements', humanCount(elements(tensor)), 'meta-elements'],
    ['stored size', humanBytes(tensor.byteLength), 'meta-size'],
    ['group', tensor.group || '(top level)', 'meta-group'],
  ];
  if (tensor.path && tensor.path !== tensor.name) rows.push(['object path', tensor.path, 'meta-path']);
  if (tensor.originalName) rows.push(['original name', tensor.originalName, 'meta-original-name']);
  return (
    <dl className="meta">
      {rows.map(([k, v, id]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd className="mono" data-testid={id}>
            {v}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Numbers({ result, tensor }: { result: Extract<InspectResult, { kind: 'numbers' }>; tensor: TensorInfo }) {
  const s = result.summary;
  const stats: [string, string, string][] = [
    ['min', formatValue(s.min), 'stat-min'],
    ['max', formatValue(s.max), 'stat-max'],
    ['mean', formatValue(s.mean), 'stat-mean'],
    ['std', formatValue(s.std), 'stat-std'],
    ['NaN', s.nan.toLocaleString('en-US'), 'stat-nan'],
    ['±Inf', (s.posInf + s.negInf).toLocaleString('en-US'), 'stat-inf'],
    ['zeros', s.zeros.toLocaleString('en-US'), 'stat-zeros'],
    ['finite', s.finite.toLocaleString('en-US'), 'stat-finite'],
  ];
  return (
    <>
      <div className="stats">
        {stats.map(([label, value, id], i) => (
          <div key={id} className={`stat${i >= 4 ? ' count' : ''}${(id === 'stat-nan' || id === 'stat-inf') && value !== '0' ? ' alarm' : ''}`}>
            <div className="stat-label">{label}</div>
            <div className="stat-value mono" data-testid={id}>
              {value}
            </div>
          </div>
        ))}
      </div>
      <h3>Distribution</h3>
      <Histogram data={result.histogram} />
      {result.heatmap && (
        <>
          <h3>Values {tensor.shape.length === 1 ? '(as a strip)' : 'as a grid'}</h3>
          <Heatmap data={result.heatmap} shape={tensor.shape} />
        </>
      )}
    </>
  );
}

function Values({ tensor }: { tensor: TensorInfo }) {
  const inspection = useGraft((s) => s.inspection);
  const loading = inspection.status === 'loading' || inspection.name !== tensor.name;
  const result = inspection.result?.name === tensor.name ? inspection.result : null;
  return (
    <div className={`values${loading ? ' is-loading' : ''}`}>
      {loading && (
        <div className="loading" data-testid="tensor-loading" role="status">
          Reading and checking {humanBytes(tensor.byteLength)}…
        </div>
      )}
      {inspection.status === 'error' && inspection.error && (
        <div className="message error" role="alert" data-testid="tensor-error">
          {inspection.error.message}
        </div>
      )}
      {result?.kind === 'numbers' && <Numbers result={result} tensor={tensor} />}
      {result?.kind === 'strings' && (
        <div data-testid="strings">
          <h3>
            {result.count} string{result.count === 1 ? '' : 's'}
            {result.count > result.strings.length ? `, first ${result.strings.length} shown` : ''}
          </h3>
          <ol className="strings">
            {result.strings.map((s, i) => (
              <li key={i} className="mono">
                {s}
              </li>
            ))}
          </ol>
        </div>
      )}
      {result?.kind === 'opaque' && <p className="muted">{result.reason}</p>}
    </div>
  );
}

export function TensorPanel() {
  const selected = useGraft((s) => s.selected);
  const tensor = useGraft((s) => (s.selected ? s.checkpoint?.tensors.find((t) => t.name === s.selected) : undefined));
  if (!selected || !tensor) {
    return (
      <aside className="panel placeholder" data-testid="tensor-panel">
        <p className="muted">Select a variable to see its values.</p>
      </aside>
    );
  }
  return (
    <aside className="panel" data-testid="tensor-panel" aria-label={`Variable ${tensor.name}`}>
      <div className="panel-title">
        <span className={`badge kind-${tensor.kind}`}>{KIND_LABEL[tensor.kind]}</span>
        <h2 className="mono" data-testid="tensor-name">
          {tensor.name}
        </h2>
      </div>
      <Meta tensor={tensor} />
      <Values tensor={tensor} />
    </aside>
  );
}
