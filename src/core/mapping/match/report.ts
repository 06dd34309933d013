/**
 * The report PyTorch's `load_state_dict(strict=False)` gives, as Markdown: missing keys (new variables no old
 * value fills), unexpected keys (old variables nothing uses), mismatched ones (linked through a shape or dtype
 * change), with the triage's findings first. A pure function of the plan.
 */
import type { TensorInfo } from '../../model/checkpoint';
import type { Plan } from '../plan';
import { describeTransform, fmt } from '../transforms';
import type { Finding } from './triage';

export interface ReportInput {
  plan: Plan;
  old: readonly TensorInfo[];
  oldLabel: string;
  newLabel: string;
  findings: readonly Finding[];
}

const cell = (s: string) => s.replace(/\|/g, '\\|');
const code = (s: string) => `\`${cell(s)}\``;

export function strictReport(r: ReportInput): string {
  const old = new Map(r.old.map((t) => [t.name, t]));
  const s = r.plan.summary;
  const missing = r.plan.entries.filter((e) => e.status === 'initialised' || e.status === 'incompatible');
  const mismatched = r.plan.entries.filter((e) => e.from.length === 1 && e.transforms.length > 0);
  const lines = [
    `# Graft match: ${r.oldLabel} → ${r.newLabel}`,
    '',
    `${s.total} new variables: ${s.exact} exact, ${s.transformed} transformed, ${s.initialised} initialised, ${s.incompatible} incompatible; ` +
      `${s.unused} old variables unused${s.excluded ? ` (${s.excluded} optimizer/bookkeeping left out)` : ''}${s.pending ? `; ${s.pending} proposals to review` : ''}.`,
    '',
    '## Findings',
    '',
    ...(r.findings.length ? r.findings.map((f) => `- ${f.sentence}. **Action:** ${f.action}.`) : ['- nothing to report: every new variable that has an old counterpart carries it']),
    '',
    `## Missing (${missing.length}): new variables no old value fills`,
    '',
    ...(missing.length ? ['| new variable | shape | filled with | proposal |', '|---|---|---|---|'] : ['none']),
    ...missing.map((e) => `| ${code(e.to)} | ${fmt(e.shape)} | ${e.status === 'incompatible' ? `incompatible: ${cell(e.problem ?? '')}` : e.fill ?? ''} | ${e.pending ? `${e.pending.confidence ?? ''} ← ${e.pending.from.map(code).join(' + ')}${e.pending.reason ? `: ${cell(e.pending.reason)}` : ''}` : ''} |`),
    '',
    `## Unexpected (${r.plan.unused.length}): old variables nothing uses`,
    '',
    ...(r.plan.unused.length ? ['| old variable | shape |', '|---|---|'] : ['none']),
    ...r.plan.unused.map((n) => `| ${code(n)} | ${old.get(n) ? fmt(old.get(n)!.shape) : ''} |`),
    '',
    `## Mismatched (${mismatched.length}): linked through a shape or dtype change`,
    '',
    ...(mismatched.length ? ['| new variable | shape | old variable | old shape | transform | confidence |', '|---|---|---|---|---|---|'] : ['none']),
    ...mismatched.map((e) => `| ${code(e.to)} | ${fmt(e.shape)} | ${code(e.from[0]!)} | ${old.get(e.from[0]!) ? fmt(old.get(e.from[0]!)!.shape) : ''} | ${cell(e.transforms.map(describeTransform).join(' → '))} | ${e.confidence ?? 'person'} |`),
  ];
  return lines.join('\n') + '\n';
}
