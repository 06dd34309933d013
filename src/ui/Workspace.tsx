import { useState } from 'react';
import { useGraft } from '../state/store';
import { canSwap } from '../state/slots-slice';
import type { SlotId } from '../worker/client';
import { Canvas } from './canvas/Canvas';
import { EmptySlot } from './EmptySlot';
import { LinkInspector } from './inspector/LinkInspector';
import { RulesPanel } from './RulesPanel';
import { SlotCard } from './SlotCard';
import { SummaryBar } from './SummaryBar';
import { TensorPanel } from './TensorPanel';
import { Toolbar } from './Toolbar';
import { TriagePanel } from './TriagePanel';
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

function ImportError() {
  const error = useGraft((s) => s.importError);
  const recipeError = useGraft((s) => s.recipeError);
  const dismiss = useGraft((s) => s.dismissImportError);
  return (
    <>
      {error && (
        <div className="message error" role="alert" data-testid="import-error">
          <strong>The recipe was not imported. </strong>
          {error.message}
          <button type="button" className="dismiss" aria-label="Dismiss" onClick={dismiss}>
            ×
          </button>
        </div>
      )}
      {recipeError && (
        <div className="message error" role="alert" data-testid="recipe-error">
          {recipeError.message}
        </div>
      )}
    </>
  );
}

/** The selected item: a new variable shows its link, an old one (or anything in the lists) its values. */
function Inspector({ canvas }: { canvas: boolean }) {
  const selected = useGraft((s) => s.selected);
  if (canvas && selected?.slot === 'new') return <LinkInspector key={selected.name} name={selected.name} />;
  return <TensorPanel />;
}

/** Slot cards on top; with both filled, the toolbar and summary, then the canvas (or the two lists) and the inspector. */
export function Workspace() {
  const empty = useGraft((s) => !s.slots.old.data && !s.slots.new.data);
  const both = useGraft((s) => s.slots.old.data !== null && s.slots.new.data !== null);
  const mode = useGraft((s) => s.mode);
  const [rulesOpen, setRulesOpen] = useState(false);
  const canvas = both && mode === 'canvas';
  return (
    <main className={`workspace${both ? ' has-both' : ''}${canvas ? ' mode-canvas' : ''}`} data-testid={empty ? 'drop-zone' : 'workspace'}>
      <SlotCard slot="old" />
      <div className="swap-cell">
        <SwapButton />
      </div>
      <SlotCard slot="new" />
      {both && (
        <div className="work-bar">
          <Toolbar rulesOpen={rulesOpen} toggleRules={() => setRulesOpen((o) => !o)} />
          <SummaryBar />
          <TriagePanel />
          <ImportError />
          {rulesOpen && <RulesPanel />}
        </div>
      )}
      {canvas ? (
        <div className="canvas-cell">
          <Canvas />
        </div>
      ) : (
        <>
          <div className="side side-old">
            <Side slot="old" />
          </div>
          <div className="side side-new">
            <Side slot="new" />
          </div>
        </>
      )}
      <Inspector canvas={canvas} />
    </main>
  );
}
