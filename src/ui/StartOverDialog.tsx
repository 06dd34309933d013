/** Asks before Start over, naming what will be lost: both slots' files and the mapping saved for them. */
import { useEffect, useRef } from 'react';
import { useGraft } from '../state/store';

export function StartOverDialog({ close }: { close: () => void }) {
  const old = useGraft((s) => s.slots.old);
  const neu = useGraft((s) => s.slots.new);
  const links = useGraft((s) => s.recipe?.links.filter((l) => l.from.length > 0).length ?? 0);
  const byHand = useGraft((s) => s.recipe?.links.filter((l) => l.confidence === undefined || l.accepted === true).length ?? 0);
  const startOver = useGraft((s) => s.startOver);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    confirm.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [close]);
  const example = old.origin === 'example' || neu.origin === 'example';
  const what = (slot: typeof old, name: string) => (slot.data ? `${name}: ${slot.data.label}${slot.origin === 'example' ? ' (the built-in example)' : ''}` : null);
  const sides = [what(old, 'old checkpoint'), what(neu, 'new model')].filter(Boolean);
  return (
    <div className="dialog-backdrop" role="presentation" onClick={close}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="start-over-title" data-testid="start-over-dialog" onClick={(e) => e.stopPropagation()}>
        <h2 id="start-over-title">Start over?</h2>
        <p data-testid="start-over-loses">
          This empties both slots{sides.length > 0 ? ` (${sides.join('; ')})` : ''}
          {links > 0 && !example
            ? ` and forgets the mapping saved in this browser for these files: ${links} link${links === 1 ? '' : 's'}, ${byHand} of them made or accepted by you. Dropping the same files again then starts from a fresh match.`
            : '.'}
        </p>
        <p className="muted small">Right after, an Undo puts everything back, until you drop other files.</p>
        <div className="dialog-buttons">
          <button
            ref={confirm}
            type="button"
            className="button primary"
            data-testid="start-over-confirm"
            onClick={() => {
              close();
              void startOver();
            }}
          >
            Start over
          </button>
          <button type="button" className="button subtle" data-testid="start-over-cancel" onClick={close}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
