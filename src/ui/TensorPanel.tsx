import type { TensorInfo } from '../core/model/checkpoint';
import type { InspectResult, SlotData, SlotId, VariableData } from '../worker/client';
import { useGraft } from '../state/store';
import { sameSelection } from '../state/inspect-slice';
import { formatShape, formatValue, groupDigits, humanBytes, humanCount } from '../core/display';
import { Heatmap } from './Heatmap';
import { Histogram } from './Histogram';
import { SLOT_TITLE } from './SlotCard';
import { initializerWords } from './fill-words';
import { KIND_LABEL, elements, initializerText } from './table-model';

function Meta({ tensor }: { tensor: VariableData }) {
  const rows: [string, string, string][] = [
    ['dtype', tensor.dtype, 'meta-dtype'],
    ['shape', formatShape(tensor.shape), 'meta-shape'],
    ['elements', humanCount(elements(tensor)), 'meta-elements'],
    ['stored size', humanBytes(tensor.byteLength), 'meta-size'],
    ['group', tensor.group || '(top level)', 'meta-group'],
  ];
  if (tensor.path && tensor.path !== tensor.name) rows.push(['object path', tensor.path, 'meta-path']);
  if (tensor.originalName) rows.push(['original name', tensor.originalName, 'meta-original-name']);
  if (tensor.layer) rows.push(['layer', tensor.layer, 'meta-layer']);
  if (tensor.layerClass) rows.push(['layer class', tensor.layerClass, 'meta-layer-class']);
  if (tensor.initializer) rows.push(['initializer', initializerText(tensor.initializer), 'meta-initializer']);
  if (tensor.kerasPath && tensor.kerasPath !== tensor.name) rows.push(['Keras 3 key', tensor.kerasPath, 'meta-keras-path']);
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
    ['NaN', groupDigits(s.nan), 'stat-nan'],
    ['±Inf', groupDigits((s.posInf + s.negInf)), 'stat-inf'],
    ['zeros', groupDigits(s.zeros), 'stat-zeros'],
    ['finite', groupDigits(s.finite), 'stat-finite'],
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

function Values({ slot, tensor }: { slot: SlotId; tensor: TensorInfo }) {
  const inspection = useGraft((s) => s.inspection);
  const current = sameSelection(inspection.selection, { slot, name: tensor.name });
  const loading = inspection.status === 'loading' || !current;
  const result = current && inspection.result?.name === tensor.name ? inspection.result : null;
  return (
    <div className={`values${loading ? ' is-loading' : ''}`}>
      {loading && (
        <div className="loading" data-testid="tensor-loading" role="status">
          Reading and checking {humanBytes(tensor.byteLength)}…
        </div>
      )}
      {current && inspection.status === 'error' && inspection.error && (
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

/** Where the shown values come from, for the new side: they are what the variable starts with when nothing is linked. */
function valuesNote(data: SlotData, tensor: VariableData, seed: number): string | null {
  if (data.role === 'old') return null;
  if (data.kind === 'template') return 'Values of the template: what this variable keeps when no old variable is linked to it.';
  const words = initializerWords(tensor.initializer, data);
  if (words === 'zeros') return 'Zeros: what this variable starts with when no old variable is linked to it (the new model names no other initializer).';
  return `Values of its initializer, ${words} (seed ${seed}): what this variable starts with when no old variable is linked to it.`;
}

export function TensorPanel() {
  const selected = useGraft((s) => s.selected);
  const data = useGraft((s) => (s.selected ? s.slots[s.selected.slot].data : null));
  const seed = useGraft((s) => s.seed);
  const tensor = selected ? data?.variables.find((t) => t.name === selected.name) : undefined;
  if (!selected || !tensor || !data) {
    return (
      <aside className="panel placeholder" data-testid="tensor-panel">
        <ol className="steps">
          <li>
            Drop the <b>old checkpoint</b>: the weights you trained.
          </li>
          <li>
            Drop the <b>new model</b>: the changed model they must fit.
          </li>
          <li>
            Click a variable on either side to see its <b>values</b> here.
          </li>
        </ol>
      </aside>
    );
  }
  const note = valuesNote(data, tensor, seed);
  return (
    <aside className="panel" data-testid="tensor-panel" data-slot={selected.slot} aria-label={`Variable ${tensor.name}`}>
      <div className="panel-title">
        <div className="badges">
          <span className={`slot-tag tag-${selected.slot}`} data-testid="tensor-slot">
            {SLOT_TITLE[selected.slot]}
          </span>
          <span className={`badge kind-${tensor.kind}`}>{KIND_LABEL[tensor.kind]}</span>
        </div>
        <h2 className="mono" data-testid="tensor-name">
          {tensor.name}
        </h2>
      </div>
      <Meta tensor={tensor} />
      {note && (
        <p className="muted small" data-testid="values-note">
          {note}
        </p>
      )}
      <Values slot={selected.slot} tensor={tensor} />
    </aside>
  );
}
