import { useGraft } from '../state/store';
import { canSwap } from '../state/slots-slice';
import type { SlotId } from '../worker/client';
import { EmptySlot } from './EmptySlot';
import { SlotCard } from './SlotCard';
import { TensorPanel } from './TensorPanel';
import { VariableTable } from './VariableTable';

function SwapButton() {
  const swap = useGraft((s) => s.swap);
  const enabled = useGraft((s) => canSwap(s.slots));
  const newIsJson = useGraft((s) => s.slots.new.data !== null && s.slots.new.data.kind !== 'template');
  const title = newIsJson
    ? 'The new model is a model JSON without weights, so it cannot become the old checkpoint'
    : 'Swap: the old checkpoint becomes the new model’s template, and the other way round';
  return (
    <button type="button" className="swap" data-testid="swap-slots" disabled={!enabled} title={title} aria-label="Swap old and new" onClick={() => void swap()}>
      ⇄
    </button>
  );
}

function Side({ slot }: { slot: SlotId }) {
  const filled = useGraft((s) => s.slots[slot].data !== null);
  return filled ? <VariableTable slot={slot} /> : <EmptySlot slot={slot} />;
}

/** Old on the left, new on the right, each with its card above its list; the selected variable on the far right. */
export function Workspace() {
  const empty = useGraft((s) => !s.slots.old.data && !s.slots.new.data);
  return (
    <main className="workspace" data-testid={empty ? 'drop-zone' : 'workspace'}>
      <SlotCard slot="old" />
      <div className="swap-cell">
        <SwapButton />
      </div>
      <SlotCard slot="new" />
      <div className="side side-old">
        <Side slot="old" />
      </div>
      <div className="side side-new">
        <Side slot="new" />
      </div>
      <TensorPanel />
    </main>
  );
}
