/** With both sides open and nothing selected (after Esc): where the mapping stands and what to do next. */
import { groupDigits } from '../../core/display';
import { countPlan } from '../../state/counts';
import { selectPlan } from '../../state/plan';
import { useGraft } from '../../state/store';
import { breakdownText, fillBreakdown } from '../fill-words';

const fmt = groupDigits;
const plural = (n: number, one: string, many: string) => `${fmt(n)} ${n === 1 ? one : many}`;

export function Overview() {
  const plan = useGraft(selectPlan);
  const olds = useGraft((s) => s.slots.old.data?.variables);
  const neu = useGraft((s) => s.slots.new.data);
  const matching = useGraft((s) => s.recipeStatus === 'matching');
  if (!plan) {
    return (
      <aside className="panel overview" data-testid="overview">
        <p className="busy">{matching ? 'Matching the old variables to the new ones…' : 'Waiting for the mapping…'}</p>
      </aside>
    );
  }
  const { chips, total, unused } = countPlan(plan, olds ?? []);
  const initialised = plan.entries.filter((e) => e.status === 'initialised' && !e.pending);
  const parts = [
    chips.exact.n && `${fmt(chips.exact.n)} copied as they are`,
    chips.transformed.n && `${fmt(chips.transformed.n)} transformed`,
    chips.pending.n && `${fmt(chips.pending.n)} proposed`,
    chips.incompatible.n && `${fmt(chips.incompatible.n)} that do not fit`,
    initialised.length && `${fmt(initialised.length)} with no link, written as ${breakdownText(fillBreakdown(initialised, neu))}`,
  ].filter(Boolean);
  const next: { key: string; text: string }[] = [];
  if (chips.incompatible.n) next.push({ key: 'incompatible', text: `Fix the ${plural(chips.incompatible.n, 'link that does', 'links that do')} not fit (red): click one to see why and the chain that would fit.` });
  if (chips.pending.n) next.push({ key: 'pending', text: `Accept or change the ${plural(chips.pending.n, 'proposed link', 'proposed links')} (orange, dashed): click one to check it, or “Accept all” above.` });
  if (!chips.incompatible.n && !chips.pending.n) next.push({ key: 'export', text: 'Everything is decided: “Export…” writes the merged checkpoint.' });
  next.push({ key: 'select', text: 'Click a new variable on the canvas to see where its values come from, its transforms, and its values before and after.' });
  next.push({ key: 'link', text: 'To link by hand, drag from an old variable’s ● onto a new variable.' });
  return (
    <aside className="panel overview" data-testid="overview" aria-label="Where the mapping stands">
      <div className="panel-title">
        <h2>Nothing selected</h2>
      </div>
      <p data-testid="overview-summary">
        The new model has <b>{plural(total, 'variable', 'variables')}</b>: {parts.join(', ')}.
        {unused.n > 0 && ` ${plural(unused.n, 'old variable is', 'old variables are')} not used.`}
      </p>
      <h3 className="overview-next">What to do next</h3>
      <ul className="overview-steps" data-testid="overview-next">
        {next.map((n) => (
          <li key={n.key} data-next={n.key}>
            {n.text}
          </li>
        ))}
      </ul>
    </aside>
  );
}
