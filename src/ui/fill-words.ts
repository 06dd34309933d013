/**
 * What an unlinked new variable will hold, in words a person reads: "Glorot uniform from the model JSON", "the
 * template's values", "zeros". The truth is the plan's fill (the recipe's policy as it applies to the variable) and
 * the variable's initializer, which says where its values come from: a Keras/TF.js config, the template checkpoint,
 * or nothing at all (a plain list of names and shapes, a graph model: zeros).
 */
import type { PlanEntry } from '../core/mapping';
import type { InitializerSpec } from '../core/model/target-model';
import type { SlotData, VariableData } from '../worker/client';

/** Names of people stay capitalised; the rest of an initializer's class name is read as words. */
const PEOPLE: Record<string, string> = { glorot: 'Glorot', he: 'He', lecun: 'LeCun' };

/** `GlorotUniform` → `Glorot uniform`, `RandomNormal` → `random normal`, `UnitForgetBias` → `unit forget bias`. */
export function initializerName(className: string): string {
  const words = className.replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/\s+/).filter(Boolean);
  return words.map((w) => PEOPLE[w] ?? w).join(' ');
}

/** Where a built model's initializers were read from. */
export function initializerSource(data: Pick<SlotData, 'kind' | 'modelConfig'> | null | undefined): string {
  if (data?.modelConfig === 'built') return 'from the model config in the file';
  if (data?.kind === 'tf-graph') return 'from the TF graph';
  return 'from the model JSON';
}

/** What `spec` writes, in words. */
export function initializerWords(spec: InitializerSpec | undefined, data: Pick<SlotData, 'kind' | 'modelConfig'> | null | undefined): string {
  if (!spec || spec.kind === 'zeros') return 'zeros';
  if (spec.kind === 'template') return 'the template’s values';
  const name = initializerName(spec.className);
  if (name === 'zeros' || name === 'ones') return name;
  const args = Object.entries(spec.config)
    .filter(([k, v]) => k !== 'seed' && (typeof v === 'number' || typeof v === 'string'))
    .map(([k, v]) => `${k.replace(/_/g, ' ')} ${String(v)}`);
  return `${name}${args.length ? ` (${args.join(', ')})` : ''} ${initializerSource(data)}`;
}

/** What the export writes into an initialised entry (or a proposal not accepted yet). */
export function fillWords(entry: Pick<PlanEntry, 'fill'>, v: Pick<VariableData, 'initializer'> | undefined, data: Pick<SlotData, 'kind' | 'modelConfig'> | null | undefined): string {
  if (entry.fill === 'zeros') return 'zeros';
  if (entry.fill === 'template') return 'the template’s values';
  return initializerWords(v?.initializer, data);
}

export interface FillPart {
  words: string;
  n: number;
}

/** The fills of `entries`, most common first: "Glorot uniform from the model JSON" × 4, "zeros" × 4. */
export function fillBreakdown(entries: readonly Pick<PlanEntry, 'fill' | 'to'>[], data: SlotData | null | undefined): FillPart[] {
  const byName = new Map((data?.variables ?? []).map((v) => [v.name, v]));
  const counts = new Map<string, number>();
  for (const e of entries) {
    const words = fillWords(e, byName.get(e.to), data);
    counts.set(words, (counts.get(words) ?? 0) + 1);
  }
  return [...counts].map(([words, n]) => ({ words, n })).sort((a, b) => b.n - a.n || a.words.localeCompare(b.words));
}

/** The breakdown as one phrase: "Glorot uniform from the model JSON (4), zeros (4)"; a single fill without its count. */
export function breakdownText(parts: readonly FillPart[], max = 3): string {
  if (parts.length === 1) return parts[0]!.words;
  const shown = parts.slice(0, max).map((p) => `${p.words} (${p.n})`);
  const rest = parts.slice(max).reduce((a, p) => a + p.n, 0);
  return shown.join(', ') + (rest ? `, other initializers (${rest})` : '');
}

/** The fill policy's options as the toolbar offers them, each saying what it writes for this new model. */
export function fillPolicyWords(policy: 'initializer' | 'zeros' | 'template', data: SlotData | null | undefined): string {
  if (policy === 'zeros') return 'zeros';
  if (policy === 'template' && data?.kind !== 'template') return 'the template’s values (there is none: initializers)';
  if (data?.kind === 'template') return 'the template’s values';
  const keras = data?.variables.some((v) => v.initializer?.kind === 'keras');
  return keras ? `initializers ${initializerSource(data)}` : 'zeros (the model names no initializers)';
}
