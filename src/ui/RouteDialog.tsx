import { useEffect, useRef } from 'react';
import { useGraft } from '../state/store';

/** Asks where a drop goes when Graft cannot tell: old checkpoint, new model, or both. */
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
        <h2 id="route-title">Where should this go?</h2>
        <p className="mono route-subject" data-testid="route-subject">
          {question.subject}
        </p>
        <p className="muted">{question.reason}</p>
        <p className="muted small">
          The <b>old checkpoint</b> gives the trained values; the <b>new model</b> is what the merged checkpoint must fit (a checkpoint there serves as a
          template: its names and shapes, its values for what stays unlinked).
        </p>
        <div className="dialog-buttons">
          <button ref={first} type="button" className="button primary" data-testid="route-old" onClick={() => void answer('old')}>
            Use as old checkpoint
          </button>
          <button type="button" className="button primary" data-testid="route-new" onClick={() => void answer('new')}>
            Use as new model
          </button>
          <button type="button" className="button" data-testid="route-both" onClick={() => void answer('both')} title="The same files on both sides">
            Both sides
          </button>
          <button type="button" className="button subtle" data-testid="route-cancel" onClick={dismiss}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
