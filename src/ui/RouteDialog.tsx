import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { DropModel, SlotId } from '../worker/client';
import { useGraft } from '../state/store';
import './slots.css';

type Where = SlotId | 'none';

/** The dialog's one button row: the question's own buttons, then Cancel. */
function Buttons({ children }: { children: ReactNode }) {
  const dismiss = useGraft((s) => s.dismissQuestion);
  return (
    <div className="dialog-buttons">
      {children}
      <button type="button" className="button subtle" data-testid="route-cancel" onClick={dismiss}>
        Cancel
      </button>
    </div>
  );
}

/** Several models in one drop: one choice per model, each slot taken at most once. */
function ModelsQuestion({ models, reason }: { models: DropModel[]; reason: string }) {
  const answer = useGraft((s) => s.answerModels);
  const [where, setWhere] = useState<Where[]>(() => models.map((m) => m.suggested));
  const twice = (['old', 'new'] as const).filter((slot) => where.filter((w) => w === slot).length > 1);
  const problem =
    twice.length > 0
      ? `Only one model can be the ${twice[0] === 'old' ? 'old checkpoint' : 'new model'}.`
      : where.every((w) => w === 'none')
        ? 'Choose where at least one model goes.'
        : null;
  return (
    <>
      <h2 id="route-title">Which model goes where?</h2>
      <p className="muted">{reason}</p>
      <div className="route-models" data-testid="route-models">
        {models.map((m, i) => (
          <label key={i} style={{ display: 'contents' }}>
            <span className="mono" data-testid="route-model">
              {m.label}
            </span>
            <select
              data-testid={`route-model-${i}`}
              value={where[i]}
              onChange={(e) => {
                const next = [...where];
                next[i] = e.currentTarget.value as Where;
                setWhere(next);
              }}
            >
              <option value="old" disabled={!m.old}>
                Old checkpoint{m.old ? '' : ' (no weights)'}
              </option>
              <option value="new">New model</option>
              <option value="none">Not used</option>
            </select>
          </label>
        ))}
      </div>
      {problem && (
        <p className="route-problem" data-testid="route-problem">
          {problem}
        </p>
      )}
      <Buttons>
        <button type="button" className="button primary" data-testid="route-open" disabled={problem !== null} onClick={() => void answer(where)}>
          Open
        </button>
      </Buttons>
    </>
  );
}

/** Asks where a drop goes when Graft cannot tell: old checkpoint, new model, or both; or, for several models, each one's slot. */
export function RouteDialog() {
  const question = useGraft((s) => s.question);
  const answer = useGraft((s) => s.answer);
  const dismiss = useGraft((s) => s.dismissQuestion);
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!question) return;
    first.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') dismiss();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [question, dismiss]);
  if (!question) return null;
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="route-title" data-testid="route-dialog">
        {question.models ? (
          <ModelsQuestion key={question.models.map((m) => m.label).join('\n')} models={question.models} reason={question.reason} />
        ) : (
          <>
            <h2 id="route-title">Where should this go?</h2>
            <p className="mono route-subject" data-testid="route-subject">
              {question.subject}
            </p>
            <p className="muted">{question.reason}</p>
            <p className="muted small">
              The <b>old checkpoint</b> gives the trained values; the <b>new model</b> is what the merged checkpoint must fit (a checkpoint there serves as a
              template: its names and shapes, its values for what stays unlinked).
            </p>
            <Buttons>
              <button ref={first} type="button" className="button primary" data-testid="route-old" onClick={() => void answer('old')}>
                Use as old checkpoint
              </button>
              <button type="button" className="button primary" data-testid="route-new" onClick={() => void answer('new')}>
                Use as new model
              </button>
              <button type="button" className="button" data-testid="route-both" onClick={() => void answer('both')} title="The same files on both sides">
                Both sides
              </button>
            </Buttons>
          </>
        )}
      </div>
    </div>
  );
}
