/**
 * Counts from the plan, each new variable in exactly one chip so they add up to the new model's variable count
 * (`countPlan`), the old variables nothing uses apart; click one to show only those. A chip whose variables are
 * optimizer or bookkeeping state says so, and clicking it shows that state too. Then whether the recipe is ready.
 */
import { groupDigits } from '../core/display';
import { countPlan, NEW_CHIPS, type ChipCount } from '../state/counts';
import { selectPlan } from '../state/plan';
import { useGraft } from '../state/store';
import type { StatusFilter } from '../state/types';
import { STATUS_COLOR } from './canvas/status';
import { ExportButton } from './export/ExportButton';
import { breakdownText, fillBreakdown } from './fill-words';

const LABEL: Record<StatusFilter, [string, string]> = {
  exact: ['exact', 'copied as they are'],
  transformed: ['transformed', 'reshaped, padded, sliced or cast'],
  pending: ['proposed', 'links auto-matching is not sure of: accept or change them (until then they are written as initialised)'],
  incompatible: ['incompatible', 'linked to values that do not fit'],
  initialised: ['initialised', 'new variables with no link'],
  unused: ['unused old', 'old weights nothing uses'],
};

const fmt = groupDigits;

function Chip({ k, count, detail }: { k: StatusFilter; count: ChipCount; detail?: string }) {
  const active = useGraft((s) => s.statusFilter === k);
  const showState = useGraft((s) => s.showState);
  const setFilter = useGraft((s) => s.setStatusFilter);
  const setShowState = useGraft((s) => s.setShowState);
  const [label, what] = LABEL[k];
  const hidden = showState ? 0 : count.state;
  const stateNote = hidden === 0 ? '' : hidden === count.n ? `all are optimizer or bookkeeping state, hidden on the canvas: clicking shows them` : `${fmt(hidden)} of them are optimizer or bookkeeping state, hidden on the canvas: clicking shows them`;
  return (
    <button
      type="button"
      className={`count${active ? ' active' : ''}${count.n === 0 ? ' zero' : ''}`}
      data-testid={`count-${k}`}
      data-count={count.n}
      data-hidden={hidden}
      aria-pressed={active}
      title={[`${what}${detail ? `: ${detail}` : ''}`, stateNote, 'click to show only these'].filter(Boolean).join(' — ')}
      onClick={() => {
        if (!active && hidden > 0) setShowState(true);
        setFilter(k);
      }}
    >
      <span className="dot" style={{ background: STATUS_COLOR[k] }} />
      <b>{fmt(count.n)}</b> {label}
      {hidden > 0 && (
        <span className="chip-hidden" data-testid={`count-${k}-hidden`}>
          {hidden === count.n ? 'optimizer state' : `${fmt(hidden)} optimizer state`}
        </span>
      )}
    </button>
  );
}

export function SummaryBar({ notes }: { notes?: React.ReactNode }) {
  const plan = useGraft(selectPlan);
  const olds = useGraft((s) => s.slots.old.data?.variables);
  const neu = useGraft((s) => s.slots.new.data);
  const status = useGraft((s) => s.recipeStatus);
  const acceptAll = useGraft((s) => s.acceptAll);
  const restored = useGraft((s) => s.restored);
  const saved = useGraft((s) => s.recipe !== null && s.savedRecipe === s.recipe);
  if (!plan) {
    return (
      <div className="summary-bar" data-testid="summary">
        <span className="busy">{status === 'matching' ? 'Matching the old variables to the new ones…' : 'Waiting for both sides…'}</span>
      </div>
    );
  }
  const counts = countPlan(plan, olds ?? []);
  const s = plan.summary;
  const attention = s.incompatible + s.pending;
  const initialised = plan.entries.filter((e) => e.status === 'initialised' && !e.pending);
  const fillDetail = initialised.length ? `written as ${breakdownText(fillBreakdown(initialised, neu))}` : undefined;
  return (
    <div className="summary-bar" data-testid="summary" data-saved={saved} data-total={counts.total}>
      <span className="count-group" data-testid="counts-new" aria-label={`The new model's ${counts.total} variables`}>
        <span className="count-side muted small" title="Each new variable is counted in exactly one of these">
          <b>{fmt(counts.total)}</b> new:
        </span>
        {NEW_CHIPS.map((k) => (
          <Chip key={k} k={k} count={counts.chips[k]} {...(k === 'initialised' && fillDetail ? { detail: fillDetail } : {})} />
        ))}
      </span>
      <span className="count-group" aria-label="Old variables">
        <span className="count-side muted small">old:</span>
        <Chip k="unused" count={counts.unused} />
      </span>
      {notes}
      <span className={`readiness${attention ? ' attention' : ' ready'}`} data-testid="readiness">
        {attention ? `${attention} variable${attention === 1 ? ' needs' : 's need'} attention` : 'Ready to export'}
      </span>
      {s.pending > 0 && (
        <button type="button" className="button small primary" data-testid="accept-all" onClick={() => acceptAll()}>
          Accept all {s.pending} proposed
        </button>
      )}
      <ExportButton />
      {status === 'matching' && <span className="busy small">matching…</span>}
      {restored && (
        <span className="muted small" data-testid="restored" title="Saved in this browser for exactly these files">
          restored your saved work
        </span>
      )}
    </div>
  );
}
