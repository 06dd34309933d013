/** One transform step as a small form: each change is one recipe edit (one undo step), committed on change/blur. */
import { useState } from 'react';
import { describeTransform, type PadFill, type StepOutput, type Transform } from '../../core/mapping';
import { formatShape } from '../../core/display';

const FILLS: PadFill[] = ['zeros', 'initializer', 'mean', 'copy'];
const CASTS = ['float16', 'bfloat16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool'] as const;

const parseList = (text: string): number[] | null => {
  const parts = text.split(/[\s,[\]]+/).filter(Boolean).map(Number);
  return parts.length > 0 && parts.every((n) => Number.isInteger(n) && n >= 0) ? parts : null;
};

/** A number or list typed freely; committed on Enter or blur when it parses. */
function Field({ label, value, testId, onCommit }: { label: string; value: string; testId: string; onCommit: (text: string) => void }) {
  const [text, setText] = useState<string | null>(null);
  const commit = () => {
    if (text !== null && text !== value) onCommit(text);
    setText(null);
  };
  return (
    <label className="step-field">
      <span>{label}</span>
      <input
        className="mono"
        value={text ?? value}
        data-testid={testId}
        onChange={(e) => setText(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
    </label>
  );
}

/** A pad's fill choices in words; `initializer` says what the new variable's initializer writes. */
const fillLabel = (f: PadFill, initializer: string) =>
  f === 'initializer' ? `initializer: ${initializer}` : f === 'mean' ? 'the mean of the old values along the axis' : f === 'copy' ? 'the old values repeated (wrap)' : 'zeros';

function Params({ step, id, change, initializer }: { step: Transform; id: string; change: (t: Transform) => void; initializer: string }) {
  const num = (key: string, value: number) => (
    <Field key={key} label={key} value={String(value)} testId={`${id}-${key}`} onCommit={(t) => Number.isInteger(Number(t)) && Number(t) >= 0 && change({ ...step, [key]: Number(t) } as Transform)} />
  );
  switch (step.op) {
    case 'pad':
      return (
        <>
          <label className="step-field">
            <span>fill</span>
            <select value={step.fill} data-testid={`${id}-fill`} onChange={(e) => change({ ...step, fill: e.currentTarget.value as PadFill })}>
              {FILLS.map((f) => (
                <option key={f} value={f}>
                  {fillLabel(f, initializer)}
                </option>
              ))}
            </select>
          </label>
          {num('axis', step.axis)}
          {num('before', step.before)}
          {num('after', step.after)}
        </>
      );
    case 'slice':
      return (
        <>
          {num('axis', step.axis)}
          {num('start', step.start)}
          {num('size', step.size)}
        </>
      );
    case 'transpose':
      return <Field label="perm" value={step.perm.join(', ')} testId={`${id}-perm`} onCommit={(t) => { const p = parseList(t); if (p) change({ ...step, perm: p }); }} />;
    case 'reshape':
      return <Field label="shape" value={step.shape.join(', ')} testId={`${id}-shape-input`} onCommit={(t) => { const p = parseList(t); if (p) change({ ...step, shape: p }); }} />;
    case 'resize':
      return (
        <label className="step-field">
          <span>method</span>
          <select value={step.method} data-testid={`${id}-method`} onChange={(e) => change({ ...step, method: e.currentTarget.value as 'bilinear' | 'bicubic' })}>
            <option value="bilinear">bilinear</option>
            <option value="bicubic">bicubic</option>
          </select>
        </label>
      );
    case 'cast':
      return (
        <label className="step-field">
          <span>to</span>
          <select value={step.dtype} data-testid={`${id}-dtype`} onChange={(e) => change({ ...step, dtype: e.currentTarget.value as (typeof CASTS)[number] })}>
            {CASTS.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
      );
    case 'squeeze':
    case 'expand':
    case 'concat':
    case 'stack':
      return num('axis', step.axis);
    default:
      return null;
  }
}

export function StepEditor({ step, index, output, failed, initializer, onChange, onRemove }: {
  step: Transform; index: number; output?: StepOutput; failed: boolean; initializer: string; onChange: (t: Transform) => void; onRemove: () => void;
}) {
  const id = `step-${index}`;
  return (
    <li className={`step${failed ? ' failed' : ''}`} data-testid={id} data-op={step.op}>
      <div className="step-head">
        <span className="step-op">{index + 1}. {step.op}</span>
        <span className="muted small step-desc">{describeTransform(step)}</span>
        <button type="button" className="icon-button" aria-label={`Remove step ${index + 1}`} data-testid={`${id}-remove`} onClick={onRemove}>
          ×
        </button>
      </div>
      <div className="step-params">
        <Params step={step} id={id} change={onChange} initializer={initializer} />
        {output && (
          <span className="muted small mono step-output" data-testid={`${id}-output`}>
            → {formatShape(output.shape)} {output.dtype}
            {output.note ? ` · ${output.note}` : ''}
          </span>
        )}
      </div>
    </li>
  );
}
