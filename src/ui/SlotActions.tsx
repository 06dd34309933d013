/** Start over and swap, in the header: visible actions, each saying why it is unavailable when it is. */
import { useState } from 'react';
import { swapBlocked } from '../state/slots-slice';
import { useGraft } from '../state/store';
import { StartOverDialog } from './StartOverDialog';
import './slots.css';

export function SlotActions() {
  const swap = useGraft((s) => s.swap);
  const blocked = useGraft((s) => swapBlocked(s.slots));
  const anything = useGraft((s) => s.slots.old.data !== null || s.slots.new.data !== null || s.slots.old.error !== null || s.slots.new.error !== null);
  const [asking, setAsking] = useState(false);
  return (
    <div className="slot-actions">
      <span title={blocked ?? 'The old checkpoint becomes the new model’s template, and the new side’s checkpoint the old one'}>
        <button type="button" className="button" data-testid="swap" disabled={blocked !== null} aria-describedby={blocked ? 'swap-why' : undefined} onClick={() => void swap()}>
          Swap old ↔ new
        </button>
      </span>
      <button type="button" className="button" data-testid="start-over" disabled={!anything} title="Empty both slots and forget this mapping" onClick={() => setAsking(true)}>
        Start over
      </button>
      {blocked && anything && (
        <span className="why" id="swap-why" data-testid="swap-why">
          {blocked}
        </span>
      )}
      {asking && <StartOverDialog close={() => setAsking(false)} />}
    </div>
  );
}
