import type { SlotId } from '../worker/client';
import { useGraft } from '../state/store';

/** Where a slot's list will be: what to drop there, in words a first-time visitor understands. A drop target. */
export function EmptySlot({ slot }: { slot: SlotId }) {
  const opening = useGraft((s) => s.slots[slot].status === 'opening');
  const example = useGraft((s) => s.loadingExample);
  const dragging = useGraft((s) => s.dragging);
  return (
    <div className={`empty-slot${dragging === slot ? ' drop-hover' : ''}`} data-testid={`empty-${slot}`} data-drop-slot={slot}>
      {example ? (
        <h3 className="busy">Opening the built-in example…</h3>
      ) : opening ? (
        <h3>Opening…</h3>
      ) : slot === 'old' ? (
        <>
          <h3>Drop the old checkpoint here</h3>
          <p>The trained weights you want to keep: a TensorFlow checkpoint (<code>.index</code> + <code>.data-…</code>, or its folder), a TF.js model with its <code>.bin</code> files, Keras <code>.h5</code> / <code>.weights.h5</code> / <code>.keras</code>, <code>.safetensors</code>, <code>.npz</code>.</p>
        </>
      ) : (
        <>
          <h3>Drop the new model here</h3>
          <p>The model the weights must fit, as JSON: Keras <code>model.to_json()</code>, the <code>config.json</code> of a <code>.keras</code>, a TF.js <code>model.json</code>, or a list of <code>{'{name, shape, dtype}'}</code>. A checkpoint works too, as a template.</p>
        </>
      )}
    </div>
  );
}
