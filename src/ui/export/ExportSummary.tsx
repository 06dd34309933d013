/** What the export will write, from the plan: counts by status, and the choice about incompatible links. */
import { selectPlan } from '../../state/plan';
import { useGraft } from '../../state/store';
import { breakdownText, fillBreakdown } from '../fill-words';

export function ExportSummary() {
  const plan = useGraft(selectPlan);
  const initialise = useGraft((s) => s.exporting.initialiseIncompatible);
  const setInitialise = useGraft((s) => s.setInitialiseIncompatible);
  const running = useGraft((s) => s.exporting.status === 'running');
  const neu = useGraft((s) => s.slots.new.data);
  if (!plan) return <p className="muted">Waiting for the recipe…</p>;
  const s = plan.summary;
  const items: [string, number, string][] = [
    ['exact', s.exact, 'copied bit for bit'],
    ['transformed', s.transformed, 'reshaped, padded, sliced, resized or cast'],
    ['initialised', s.initialised, s.initialised ? `no link: written as ${breakdownText(fillBreakdown(plan.entries.filter((e) => e.status === 'initialised'), neu))}` : 'no link'],
    ['incompatible', s.incompatible, 'linked to values that do not fit'],
  ];
  return (
    <div className="export-summary" data-testid="export-summary">
      <p>
        <b>{s.total.toLocaleString('en-US')}</b> variables of the new model will be written:
      </p>
      <ul>
        {items.map(([key, n, what]) => (
          <li key={key} data-testid={`export-count-${key}`} data-count={n} className={n === 0 ? 'zero' : ''}>
            <b>{n.toLocaleString('en-US')}</b> {key} <span className="muted">— {what}</span>
          </li>
        ))}
      </ul>
      {s.pending > 0 && (
        <p className="muted small" data-testid="export-pending">
          {s.pending} proposed link{s.pending === 1 ? ' is' : 's are'} not accepted yet: {s.pending === 1 ? 'it is' : 'they are'} written as initialised.
        </p>
      )}
      {s.incompatible > 0 && (
        <label className="check export-incompatible">
          <input type="checkbox" checked={initialise} disabled={running} data-testid="export-initialise" onChange={(e) => setInitialise(e.currentTarget.checked)} />
          Initialise the {s.incompatible} incompatible variable{s.incompatible === 1 ? '' : 's'} instead (otherwise fix their links first)
        </label>
      )}
    </div>
  );
}
