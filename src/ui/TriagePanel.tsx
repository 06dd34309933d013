/**
 * What did not carry as is, said in words under the summary (`triage()`), each with the action that resolves it.
 * Where triage says new values "start from the initializer", the panel says what that writes for this model.
 */
import { useState } from 'react';
import type { Finding, RenameRule } from '../core/mapping';
import { selectPlan, entryFor } from '../state/plan';
import { useGraft } from '../state/store';
import { hasRule, selectFindings } from '../state/triage';
import { breakdownText, fillBreakdown, fillWords } from './fill-words';

/** A sentence, capitalised, with `code` spans where triage quotes names. */
function Words({ text }: { text: string }) {
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return <>{capital.split('`').map((part, i) => (i % 2 ? <code key={i}>{part}</code> : part))}</>;
}

function AddRule({ rule, index }: { rule: RenameRule; index: number }) {
  const added = useGraft((s) => hasRule(s.recipe?.rules, rule));
  const matching = useGraft((s) => s.recipeStatus === 'matching');
  const setRules = useGraft((s) => s.setRules);
  const rules = useGraft((s) => s.recipe?.rules);
  const shown = rule.kind === 'prefix' ? `${rule.from || '(start)'} → ${rule.to || '(nothing)'}` : `/${rule.from}/ → ${rule.to}`;
  return (
    <span className="triage-action">
      The rule <code>{shown}</code> makes these links sure.{' '}
      {added ? (
        <span className="muted small" data-testid={`triage-${index}-added`}>added</span>
      ) : (
        <button type="button" className="button small primary" data-testid={`triage-${index}-add-rule`} disabled={matching} onClick={() => void setRules([...(rules ?? []), rule])}>
          Add rule
        </button>
      )}
    </span>
  );
}

/** The finding's action with "their initializers" / "the initializer" replaced by what is written for its variables. */
function useAction(f: Finding): string {
  return useGraft((s) => {
    if (!/initiali[sz]er/.test(f.action)) return f.action;
    const plan = selectPlan(s);
    const data = s.slots.new.data;
    if (!plan || !data) return f.action;
    const entries = f.names.map((n) => entryFor(plan, n)).filter((e) => e !== undefined);
    if (f.kind === 'inserted') {
      const text = breakdownText(fillBreakdown(entries.map((e) => ({ to: e.to, fill: e.fill ?? s.recipe?.fill ?? 'initializer' })), data));
      return f.action.replace(/they start from their initializers/, `they are written as ${text}`);
    }
    // Padded entries take the variable's own initializer (a pad step's "initializer" fill), whatever the fill policy.
    const byName = new Map(data.variables.map((v) => [v.name, v]));
    const words = [...new Set(entries.map((e) => fillWords({ fill: 'initializer' }, byName.get(e.to), data)))];
    return words.length === 1 ? f.action.replace(/start from the initializer/, `start as ${words[0]}`) : f.action;
  });
}

function Item({ f, index }: { f: Finding; index: number }) {
  const action = useAction(f);
  return (
    <li className={`triage-item triage-${f.kind}`} data-testid={`triage-${index}`} data-kind={f.kind}>
      <span className="triage-sentence">
        <Words text={f.sentence} />.
      </span>{' '}
      {f.rule ? <AddRule rule={f.rule} index={index} /> : <span className="triage-action muted" data-testid={`triage-${index}-action`}><Words text={action} />.</span>}
    </li>
  );
}

const SHOWN = 6;

/** The summary bar's switch for the panel: how many findings there are, open or closed. */
export function TriageToggle({ open, toggle }: { open: boolean; toggle: () => void }) {
  const findings = useGraft(selectFindings);
  if (!findings || findings.length === 0) return null;
  return (
    <button type="button" className="button small triage-toggle" data-testid="triage-toggle" aria-expanded={open} onClick={toggle} title="What did not carry over as it was, and what to do about it">
      {findings.length} note{findings.length === 1 ? '' : 's'} {open ? '▴' : '▾'}
    </button>
  );
}

export function TriagePanel() {
  const findings = useGraft(selectFindings);
  const [all, setAll] = useState(false);
  if (!findings || findings.length === 0) return null;
  const shown = all ? findings : findings.slice(0, SHOWN);
  return (
    <section className="triage-panel" data-testid="triage" aria-label="What did not carry as is">
      <ul className="triage">
        {shown.map((f, i) => (
          <Item key={i} f={f} index={i} />
        ))}
      </ul>
      {findings.length > SHOWN && (
        <button type="button" className="link-button small" data-testid="triage-more" onClick={() => setAll((a) => !a)}>
          {all ? 'fewer' : `${findings.length - SHOWN} more`}
        </button>
      )}
    </section>
  );
}
