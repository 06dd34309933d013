import { useEffect, useState } from 'react';
import { useGraft } from '../state/store';
import { swapBlocked } from '../state/slots-slice';
import { selectFindings } from '../state/triage';
import type { SlotId } from '../worker/client';
import { Canvas } from './canvas/Canvas';
import { EmptySlot } from './EmptySlot';
import { LinkInspector } from './inspector/LinkInspector';
import { Overview } from './inspector/Overview';
import { RulesPanel } from './RulesPanel';
import { SlotCard } from './SlotCard';
import { SummaryBar } from './SummaryBar';
import { TensorPanel } from './TensorPanel';
import { Toolbar } from './Toolbar';
import { TriagePanel, TriageToggle } from './TriagePanel';
import { VariableTable } from './VariableTable';
import './layout.css';

function SwapButton() {
  const swap = useGraft((s) => s.swap);
  const blocked = useGraft((s) => swapBlocked(s.slots));
  const title = blocked ?? 'Swap: the old checkpoint becomes the new model’s template, and the other way round';
  return (
    <button type="button" className="swap" data-testid="swap-slots" disabled={blocked !== null} title={title} aria-label="Swap old and new" onClick={() => void swap()}>
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

/**
 * The selected item: a new variable on the canvas shows its link, anything else its values; with both sides open
 * and nothing selected, where the mapping stands (not the first-visit steps).
 */
function Inspector({ canvas, both }: { canvas: boolean; both: boolean }) {
  const selected = useGraft((s) => s.selected);
  if (canvas && selected?.slot === 'new') return <LinkInspector key={selected.name} name={selected.name} />;
  if (both && !selected) return <Overview />;
  return <TensorPanel />;
}

/** The inspector's column, which folds to a narrow rail so the canvas takes the room; selecting a variable unfolds it. */
function InspectorCell({ canvas, both }: { canvas: boolean; both: boolean }) {
  const [open, setOpen] = useState(true);
  const selected = useGraft((s) => s.selected);
  useEffect(() => {
    if (selected) setOpen(true);
  }, [selected]);
  if (!both) return <Inspector canvas={canvas} both={both} />;
  return (
    <div className={`inspector-cell${open ? '' : ' closed'}`} data-testid="inspector-cell" data-open={open}>
      <button
        type="button"
        className="panel-fold"
        data-testid="inspector-fold"
        aria-expanded={open}
        aria-label={open ? 'Fold the details panel away' : 'Show the details panel'}
        title={open ? 'Fold the details panel away: the canvas takes the room' : 'Show the details panel'}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? '›' : '‹'}
        {!open && <span className="panel-fold-label">Details</span>}
      </button>
      {open && <Inspector canvas={canvas} both={both} />}
    </div>
  );
}

/** The two slot cards with the swap between; with both open, one row across the page (the inspector starts below). */
function SlotRow({ both }: { both: boolean }) {
  const cards = (
    <>
      <SlotCard slot="old" />
      <div className="swap-cell">
        <SwapButton />
      </div>
      <SlotCard slot="new" />
    </>
  );
  return both ? <div className="slot-row">{cards}</div> : cards;
}

const tall = () => typeof window === 'undefined' || window.matchMedia('(min-height: 950px)').matches;

/** Slot cards on top; with both filled, the toolbar and summary, then the canvas (or the two lists) and the inspector. */
export function Workspace() {
  const empty = useGraft((s) => !s.slots.old.data && !s.slots.new.data);
  const both = useGraft((s) => s.slots.old.data !== null && s.slots.new.data !== null);
  const mode = useGraft((s) => s.mode);
  const [rulesOpen, setRulesOpen] = useState(false);
  // The notes under the summary take room a short window needs for the canvas: there they stay folded unless one
  // asks for something (a rule to add, the models sharing little), until the person opens or folds them.
  const [notesChoice, setNotesChoice] = useState<boolean | null>(null);
  const asks = useGraft((s) => selectFindings(s)?.some((f) => f.rule !== undefined || f.kind === 'share-little') ?? false);
  const notesOpen = notesChoice ?? (asks || tall());
  // A pair dropped together: the canvas draws the side that opened first (no list laid out only to be replaced).
  const joining = useGraft((s) => (s.slots.old.status === 'ready' && s.slots.new.status === 'opening') || (s.slots.new.status === 'ready' && s.slots.old.status === 'opening'));
  const canvas = (both || joining) && mode === 'canvas';
  return (
    <main className={`workspace${both ? ' has-both' : ''}${canvas ? ' mode-canvas' : ''}`} data-testid={empty ? 'drop-zone' : 'workspace'}>
      <SlotRow both={both} />
      {both && (
        <div className="work-bar">
          <Toolbar rulesOpen={rulesOpen} toggleRules={() => setRulesOpen((o) => !o)} />
          <SummaryBar notes={<TriageToggle open={notesOpen} toggle={() => setNotesChoice(!notesOpen)} />} />
          {notesOpen && <TriagePanel />}
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
      <InspectorCell canvas={canvas} both={both} />
    </main>
  );
}
