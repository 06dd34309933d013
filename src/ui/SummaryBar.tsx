/** Counts by status from the plan (click one to show only those), and whether the recipe is ready to export. */
import { selectPlan } from '../state/plan';
import { useGraft } from '../state/store';
import type { StatusFilter } from '../state/types';
import { STATUS_COLOR } from './canvas/status';
import { ExportButton } from './export/ExportButton';

const COUNTS: [StatusFilter, string, string][] = [
  ['exact', 'exact', 'copied as they are'],
  ['transformed', 'transformed', 'reshaped, padded, sliced or cast'],
  ['pending', 'proposed', 'links auto-matching is not sure of: accept or change them'],
  ['incompatible', 'incompatible', 'linked to values that do not fit'],
  ['initialised', 'initialised', 'new variables with no link: filled by the fill policy'],
  ['unused', 'unused old', 'old weights nothing uses'],
];

export function SummaryBar() {
  const plan = useGraft(selectPlan);
  const status = useGraft((s) => s.recipeStatus);
  const filter = useGraft((s) => s.statusFilter);
  const setFilter = useGraft((s) => s.setStatusFilter);
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
  const s = plan.summary;
  const attention = s.incompatible + s.pending;
  return (
    <div className="summary-bar" data-testid="summary" data-saved={saved}>
      {COUNTS.map(([key, label, title]) => {
        const n = key === 'pending' ? s.pending : key === 'unused' ? s.unused : s[key as 'exact'];
        return (
          <button
            key={key}
            type="button"
            className={`count${filter === key ? ' active' : ''}${n === 0 ? ' zero' : ''}`}
            data-testid={`count-${key}`}
            aria-pressed={filter === key}
            title={`${title} — click to show only these`}
            onClick={() => setFilter(key)}
          >
            <span className="dot" style={{ background: STATUS_COLOR[key] }} />
            <b>{n.toLocaleString('en-US')}</b> {label}
          </button>
        );
      })}
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
