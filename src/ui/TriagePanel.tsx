/** What did not carry as is, said in words under the summary (`triage()`), each with the action that resolves it. */
import { useState } from 'react';
import type { Finding, RenameRule } from '../core/mapping';
import { useGraft } from '../state/store';
import { hasRule, selectFindings } from '../state/triage';

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

function Item({ f, index }: { f: Finding; index: number }) {
  return (
    <li className={`triage-item triage-${f.kind}`} data-testid={`triage-${index}`} data-kind={f.kind}>
      <span className="triage-sentence">
        <Words text={f.sentence} />.
      </span>{' '}
      {f.rule ? <AddRule rule={f.rule} index={index} /> : <span className="triage-action muted"><Words text={f.action} />.</span>}
    </li>
  );
}

const SHOWN = 6;

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
