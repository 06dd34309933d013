/**
 * The selected new variable: where its values come from, the transform chain as editable steps, and a preview. The
 * header is the plan's entry as it is now (status, the chain in words, what an unlinked variable is written as), so
 * an edit shows at once; the matcher's confidence shows only while the link is still its proposal.
 */
import { describeTransform, type PlanEntry, type Transform } from '../../core/mapping';
import { formatShape } from '../../core/display';
import { entryFor, selectPlan } from '../../state/plan';
import { useGraft } from '../../state/store';
import { STATUS_COLOR, STATUS_LABEL } from '../canvas/status';
import { fillWords } from '../fill-words';
import { KeepFunction } from './KeepFunction';
import { Preview } from './Preview';
import { StepEditor } from './StepEditor';

function Sources({ entry }: { entry: PlanEntry }) {
  const olds = useGraft((s) => s.slots.old.data?.variables);
  const removeSource = useGraft((s) => s.removeSource);
  const select = useGraft((s) => s.select);
  const from = entry.from.length ? entry.from : (entry.pending?.from ?? []);
  if (from.length === 0 && entry.transforms.length > 0) return <p className="muted small" data-testid="inspector-made">No old variable: its first step makes the value (a layer inserted to keep the function).</p>;
  if (from.length === 0) return <p className="muted small">No old variable is linked: drag one onto it on the canvas.</p>;
  return (
    <ul className="sources">
      {from.map((name) => {
        const v = olds?.find((o) => o.name === name);
        return (
          <li key={name} data-testid="inspector-source">
            <button type="button" className="link-button mono" onClick={() => select({ slot: 'old', name })}>
              {name}
            </button>
            <span className="mono small" data-testid="inspector-from-shape">
              {v ? `${v.dtype} ${formatShape(v.shape)}` : 'missing'}
            </span>
            {entry.from.length > 1 && (
              <button type="button" className="icon-button" aria-label={`Remove source ${name}`} onClick={() => removeSource(entry.to, name)}>
                ×
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** What the new variable gets, in one line: the chain in words, a plain copy, or what an unlinked one is written as. */
function chainWords(entry: PlanEntry, fill: string): string {
  const chain = (ts: Transform[]) => ts.map(describeTransform).join(' → ');
  if (entry.pending) return `proposed: ${entry.pending.transforms.length ? chain(entry.pending.transforms) : 'a plain copy'} — until accepted, written as ${fill}`;
  if (entry.status === 'initialised') return `no link: written as ${fill}`;
  if (entry.transforms.length === 0) return entry.from.length > 1 ? 'several sources and no transform' : 'copied as it is';
  return chain(entry.transforms);
}

function Steps({ entry, initializer }: { entry: PlanEntry; initializer: string }) {
  const setTransforms = useGraft((s) => s.setTransforms);
  const transforms = entry.transforms.length || !entry.pending ? entry.transforms : entry.pending.transforms;
  if (entry.from.length === 0 && !entry.pending && entry.transforms.length === 0) return null;
  const failedAt = entry.status === 'incompatible' ? entry.steps.length : -1;
  const update = (next: Transform[]) => setTransforms(entry.to, next);
  return (
    <div className="steps-box">
      <h3>Transforms</h3>
      {transforms.length === 0 ? (
        <p className="muted small" data-testid="no-steps">
          None: the values are copied bit for bit.
        </p>
      ) : (
        <ol className="step-list">
          {transforms.map((t, i) => (
            <StepEditor
              key={i}
              step={t}
              initializer={initializer}
              index={i}
              output={entry.steps[i]}
              failed={i === failedAt}
              onChange={(nt) => update(transforms.map((x, k) => (k === i ? nt : x)))}
              onRemove={() => update(transforms.filter((_, k) => k !== i))}
            />
          ))}
        </ol>
      )}
      {entry.suggestion && (
        <button type="button" className="button small" data-testid="use-suggestion" onClick={() => update(entry.suggestion!)}>
          Use the proposed chain: {entry.suggestion.map((t) => t.op).join(' → ')}
        </button>
      )}
    </div>
  );
}

export function LinkInspector({ name }: { name: string }) {
  const entry = useGraft((s) => entryFor(selectPlan(s), name));
  const v = useGraft((s) => s.slots.new.data?.variables.find((x) => x.name === name));
  const data = useGraft((s) => s.slots.new.data);
  const accept = useGraft((s) => s.accept);
  const unlink = useGraft((s) => s.unlink);
  if (!entry || !v) return null;
  const status = entry.pending ? 'pending' : entry.status;
  const confidence = entry.confidence ?? entry.pending?.confidence;
  const reason = entry.reason ?? entry.pending?.reason;
  const byHand = entry.link !== undefined && !confidence && (entry.from.length > 0 || entry.transforms.length > 0);
  const fill = fillWords(entry, v, data);
  const padWords = fillWords({ fill: 'initializer' }, v, data);
  return (
    <aside className="panel inspector" data-testid="inspector" aria-label={`Link into ${name}`}>
      <div className="panel-title">
        <div className="badges">
          <span className="slot-tag tag-new">New variable</span>
          <span className="status-pill" data-testid="inspector-status" data-status={status} style={{ background: STATUS_COLOR[status] }}>
            {STATUS_LABEL[status]}
          </span>
          {confidence && <span className={`badge conf conf-${confidence}`} data-testid="inspector-confidence" title="How sure auto-matching is of this proposal">{confidence}</span>}
          {byHand && <span className="badge conf" data-testid="inspector-by-hand" title="You made or changed this link">yours</span>}
          <span className="actions inspector-actions">
            {entry.pending && (
              <button type="button" className="button primary small" data-testid="accept-link" onClick={() => accept(name)}>
                Accept this link
              </button>
            )}
            {entry.from.length > 0 && (
              <button type="button" className="button small" data-testid="unlink" onClick={() => unlink(name)} title="Delete">
                Unlink (Delete)
              </button>
            )}
          </span>
        </div>
        <h2 className="mono" data-testid="tensor-name">
          {name}
        </h2>
        <p className="small inspector-chain" data-testid="inspector-chain">
          {chainWords(entry, fill)}
        </p>
        {reason && <p className="muted small" data-testid="inspector-reason">{reason}</p>}
      </div>
      <div className="shapes">
        <div>
          <h3>From (old)</h3>
          <Sources entry={entry} />
        </div>
        <div>
          <h3>To (new)</h3>
          <span className="mono small" data-testid="inspector-to-shape">
            {v.dtype} {formatShape(v.shape)}
          </span>
        </div>
      </div>
      {entry.problem && (
        <div className="message error" data-testid="inspector-problem">
          {entry.problem}
        </div>
      )}
      {entry.notes.map((n) => (
        <div key={n} className="message warning small">
          {n}
        </div>
      ))}
      <Steps entry={entry} initializer={padWords} />
      <KeepFunction entry={entry} layerClass={v.layerClass} />
      <Preview entry={entry} fill={fill} />
    </aside>
  );
}
