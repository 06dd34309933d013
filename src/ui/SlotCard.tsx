import { useMemo, useRef } from 'react';
import type { SlotId } from '../worker/client';
import { useGraft } from '../state/store';
import { groupDigits, humanBytes, humanCount } from '../core/display';
import { fromInput } from './drop';
import { totals } from './table-model';
import './slots.css';

export const SLOT_TITLE: Record<SlotId, string> = { old: 'Old checkpoint', new: 'New model' };
const SLOT_ROLE: Record<SlotId, string> = { old: 'the trained weights to reuse', new: 'the model the weights must fit' };
const WARNINGS_SHOWN = 3;

/** The slot's own pickers: what is picked replaces this slot, whatever it is. */
function ReplacePickers({ slot, filled }: { slot: SlotId; filled: boolean }) {
  const drop = useGraft((s) => s.drop);
  const fileRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  const onPick = (e: React.ChangeEvent<HTMLInputElement>) => {
    const files = fromInput(e.currentTarget.files);
    e.currentTarget.value = '';
    if (files.length > 0) void drop(files, { into: slot });
  };
  return (
    <div className="slot-pickers">
      <button type="button" className="button small" data-testid={`replace-${slot}`} onClick={() => fileRef.current?.click()}>
        {filled ? 'Replace…' : 'Choose…'}
      </button>
      <button type="button" className="button small subtle" title="Choose a folder" onClick={() => folderRef.current?.click()}>
        Folder…
      </button>
      <input ref={fileRef} type="file" multiple hidden data-testid={`replace-${slot}-input`} onChange={onPick} />
      <input ref={folderRef} type="file" hidden data-testid={`replace-${slot}-folder-input`} onChange={onPick} {...{ webkitdirectory: '', directory: '' }} />
    </div>
  );
}

function Counts({ slot }: { slot: SlotId }) {
  const variables = useGraft((s) => s.slots[slot].data?.variables);
  const t = useMemo(() => (variables ? totals(variables, '') : null), [variables]);
  if (!t) return null;
  const weights = t.byKind.weight.variables;
  const other = t.variables - weights;
  return (
    <div className="slot-counts" data-testid="slot-counts">
      <b>{groupDigits(t.variables)}</b> variables{other > 0 ? ` (${groupDigits(weights)} weights)` : ''} · {humanCount(t.parameters)} values ·{' '}
      {humanBytes(t.bytes)}
    </div>
  );
}

function Candidates({ slot }: { slot: SlotId }) {
  const { candidates, candidateId, status } = useGraft((s) => s.slots[slot]);
  const chooseCandidate = useGraft((s) => s.chooseCandidate);
  if (candidates.length < 2) return null;
  return (
    <label className="candidate">
      <span className="muted">Checkpoint</span>
      <select data-testid="candidate-picker" value={candidateId} disabled={status === 'opening'} onChange={(e) => void chooseCandidate(slot, e.currentTarget.value)}>
        {candidates.map((c) => (
          <option key={c.id} value={c.id}>
            {c.label}
            {c.latest ? ' (latest)' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A `.keras` / full `.h5` as the new model: built from its config, or its stored weights as a template. */
function NewModelAs({ slot }: { slot: SlotId }) {
  const as = useGraft((s) => s.slots[slot].data?.modelConfig);
  const status = useGraft((s) => s.slots[slot].status);
  const choose = useGraft((s) => s.chooseNewAsTemplate);
  if (slot !== 'new' || !as) return null;
  return (
    <label className="candidate">
      <span className="muted">Use</span>
      <select data-testid="new-model-as" value={as} disabled={status === 'opening'} onChange={(e) => void choose(e.currentTarget.value === 'template')}>
        <option value="built">the model its config describes (its weights as starting values)</option>
        <option value="template">its stored weights as they are (a template)</option>
      </select>
    </label>
  );
}

function Problems({ slot }: { slot: SlotId }) {
  const error = useGraft((s) => s.slots[slot].error);
  const warnings = useGraft((s) => s.slots[slot].data?.warnings);
  const blocking = useGraft((s) => s.slots[slot].data?.blocking);
  const dismiss = useGraft((s) => s.dismissError);
  const shown = warnings?.slice(0, WARNINGS_SHOWN) ?? [];
  const more = warnings?.slice(WARNINGS_SHOWN) ?? [];
  return (
    <>
      {error && (
        <div className="message error" role="alert" data-testid="error">
          {error.file && <strong>Could not open these files. </strong>}
          <span data-testid="error-message">{error.message}</span>
          <button type="button" className="dismiss" aria-label="Dismiss" onClick={() => dismiss(slot)}>
            ×
          </button>
        </div>
      )}
      {blocking?.map((b) => (
        <div key={b} className="message error" role="alert" data-testid="blocking">
          {b}
        </div>
      ))}
      {shown.map((w) => (
        <div key={w} className="message warning" data-testid="warning">
          {w}
        </div>
      ))}
      {more.length > 0 && (
        <details className="more-warnings">
          <summary>{more.length} more warning{more.length === 1 ? '' : 's'}</summary>
          {more.map((w) => (
            <div key={w} className="message warning" data-testid="warning">
              {w}
            </div>
          ))}
        </details>
      )}
    </>
  );
}

/** One slot in the header: what it holds (label, format, counts), its pickers, warnings and its own error. A drop target. */
export function SlotCard({ slot }: { slot: SlotId }) {
  const data = useGraft((s) => s.slots[slot].data);
  const files = useGraft((s) => s.slots[slot].files);
  const origin = useGraft((s) => s.slots[slot].origin);
  const status = useGraft((s) => s.slots[slot].status);
  const dragging = useGraft((s) => s.dragging);
  const cls = ['slot-card', `slot-${slot}`, dragging ? 'drop-ready' : '', dragging === slot ? 'drop-hover' : ''].filter(Boolean).join(' ');
  return (
    <section className={cls} data-testid={`slot-${slot}`} data-drop-slot={slot} aria-label={SLOT_TITLE[slot]}>
      <div className="slot-head">
        <span className={`slot-tag tag-${slot}`}>{slot === 'old' ? 'OLD' : 'NEW'}</span>
        <div className="slot-title">
          <h2>
            {SLOT_TITLE[slot]}
            {origin === 'example' && (
              <span className="example-badge" data-testid="example-badge" title="The built-in example: your first files replace it on both sides">
                Example
              </span>
            )}
          </h2>
        </div>
        <ReplacePickers slot={slot} filled={data !== null} />
      </div>
      <div className="muted small slot-role">{SLOT_ROLE[slot]}</div>
      {data ? (
        <div className="slot-body" data-testid="source">
          <div className="slot-label mono" data-testid="slot-label" title={data.files.join('\n')}>
            {data.label}
          </div>
          <div className="muted small" data-testid="slot-format">
            {origin === 'example' ? 'built-in example · ' : ''}
            {data.formatName} · {files.length} file{files.length === 1 ? '' : 's'}
          </div>
          <Counts slot={slot} />
        </div>
      ) : (
        <p className="muted small slot-empty-note">{slot === 'old' ? 'Empty: drop the trained checkpoint here.' : 'Empty: drop the new model’s JSON here.'}</p>
      )}
      <Candidates slot={slot} />
      <NewModelAs slot={slot} />
      {status === 'opening' && (
        <span className="busy" data-testid="opening">
          Opening…
        </span>
      )}
      <Problems slot={slot} />
    </section>
  );
}
