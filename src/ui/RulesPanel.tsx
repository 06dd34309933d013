/** Rename rules (scope prefix or regex) with a live count of the old names each moves; saving re-matches. */
import { useEffect, useMemo, useState } from 'react';
import { loadRegexEngineFor, regexEngineLoaded, regexProblem, ruleCounts, type RenameRule } from '../core/mapping';
import { useGraft } from '../state/store';

// Rules run on RE2 (core/mapping/safe-regex.ts): a pattern it refuses would make ruleCounts throw.
const validRegex = (s: string) => regexProblem(s) === undefined;

export function RulesPanel() {
  const saved = useGraft((s) => s.recipe?.rules);
  const olds = useGraft((s) => s.slots.old.data?.variables);
  const setRules = useGraft((s) => s.setRules);
  const matching = useGraft((s) => s.recipeStatus === 'matching');
  const [draft, setDraft] = useState<RenameRule[] | null>(null);
  const rules = draft ?? saved ?? [];
  const names = useMemo(() => olds?.map((v) => v.name) ?? [], [olds]);
  // RE2 loads on demand (safe-regex.ts), once a regex rule is on the list; until then nothing can be applied.
  const [engine, setEngine] = useState(regexEngineLoaded);
  useEffect(() => {
    if (!engine) void loadRegexEngineFor(rules).then(() => setEngine(regexEngineLoaded()), () => undefined);
  }, [engine, rules]);
  const ok = rules.every((r) => r.from !== '' && (r.kind !== 'regex' || (engine && validRegex(r.from))));
  const counts = useMemo(() => (ok ? ruleCounts(names, rules) : rules.map(() => 0)), [names, rules, ok]);
  const change = (i: number, patch: Partial<RenameRule>) => setDraft(rules.map((r, k) => (k === i ? ({ ...r, ...patch } as RenameRule) : r)));
  return (
    <section className="rules-panel" data-testid="rules-panel">
      <h3>Rename rules</h3>
      <p className="muted small">Old names are renamed before matching: a scope prefix (like init_from_checkpoint’s {'{'}"old/": "new/"{'}'}) or a regex with $1 groups. First match wins.</p>
      <ol className="rules">
        {rules.map((r, i) => (
          <li key={i} data-testid={`rule-${i}`}>
            <select value={r.kind} onChange={(e) => change(i, { kind: e.currentTarget.value as RenameRule['kind'] })} data-testid={`rule-${i}-kind`}>
              <option value="prefix">prefix</option>
              <option value="regex">regex</option>
            </select>
            <input className="mono" value={r.from} placeholder="old" data-testid={`rule-${i}-from`} onChange={(e) => change(i, { from: e.currentTarget.value })} />
            →
            <input className="mono" value={r.to} placeholder="new" data-testid={`rule-${i}-to`} onChange={(e) => change(i, { to: e.currentTarget.value })} />
            <span className="rule-count" data-testid={`rule-${i}-count`} title="old names this rule moves">
              {counts[i] ?? 0} moved
            </span>
            <button type="button" className="icon-button" aria-label="Remove rule" onClick={() => setDraft(rules.filter((_, k) => k !== i))}>
              ×
            </button>
          </li>
        ))}
      </ol>
      <div className="actions">
        <button type="button" className="button small" data-testid="add-rule" onClick={() => setDraft([...rules, { kind: 'prefix', from: '', to: '' }])}>
          + Add rule
        </button>
        <button
          type="button"
          className="button small primary"
          data-testid="apply-rules"
          disabled={!draft || !ok || matching}
          onClick={() => void setRules(rules).then(() => setDraft(null))}
        >
          {matching ? 'Matching…' : 'Apply and re-match'}
        </button>
      </div>
    </section>
  );
}
