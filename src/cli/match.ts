import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { GraftError } from '../core/errors';
import { autoMatch, compile, keepFunction, withKeepFunction, describeRule, describeTransform, emptyRecipe, loadRegexEngine, parseRuleArg, type Confidence, type KeepFunctionOptions, type Plan, type PlanEntry, type Recipe } from '../core/mapping';
import { resolve } from 'node:path';
import type { Checkpoint, TensorInfo } from '../core/model/checkpoint';
import { strictReport } from '../core/mapping/match/report';
import { triage, type Finding } from '../core/mapping/match/triage';
import { CONFIDENCES } from '../core/mapping/recipe';
import { gatherDropFacts, jsonText, modelJsonIn } from '../core/formats/facts';
import { checkpointTarget, openNewModel } from '../core/formats/new-model';
import type { TargetModel } from '../core/model/target-model';
import { buildTarget, refuseUnbuilt } from '../core/model/target/build';
import { detectModelJson } from '../core/model/target/detect';
import { listCandidates } from '../core/formats/registry';
import { sniffMetaGraph } from '../core/formats/tf-meta/sniff';
import { basename, type ByteSource } from '../core/io/byte-source';
import { openForCli } from './inspect';
import type { Command } from './main';
import { resolveInput } from './resolve-input';

type Write = (line: string) => void;

export interface MatchCliOptions {
  recipe?: string;
  rules: string[];
  out?: string;
  json: boolean;
  accept: Confidence;
  includeOptimizer: boolean;
  /** Print the missing / unexpected / mismatched report (Markdown) instead of the table. */
  report?: boolean;
  /** Rewrite widened and inserted layers' links so the new model computes what the old one did (Net2Net). */
  keepFunction?: KeepFunctionOptions;
}

/**
 * NEW, by content, as the page's new slot opens it: a model JSON (Keras model JSON, a TF.js model.json without its
 * weights, a list), or any checkpoint as a template (a TF.js model.json with its weights is one).
 */
/** A checkpoint the command opened already (OLD), with the path it was opened from. */
export interface Opened {
  path: string;
  checkpoint: Checkpoint;
}

/** `opened`: taken as the template where `path` names the same checkpoint, rather than opened a second time. */
export async function openTarget(path: string, opened?: Opened): Promise<TargetModel> {
  const target = await openTargetAsIs(path, opened);
  refuseUnbuilt(target);
  return target;
}

/** openTarget without refusing layers Graft could not build (`inspect --target` lists them). */
export async function openTargetAsIs(path: string, opened?: Opened): Promise<TargetModel> {
  const { sources, wanted } = await resolveInput(path);
  const built = wanted === undefined ? undefined : await builtOnce(sources, wanted);
  if (built) return built;
  const json = modelJsonIn(await gatherDropFacts(sources, { alsoModel: false }), wanted);
  if (json) return (await openNewModel(sources, { as: 'model-json', path: json.path })).target;
  return checkpointTarget(opened && resolve(opened.path) === resolve(path) ? opened.checkpoint : await openForCli(path));
}

/**
 * The named file built as a model JSON from one read and one parse, where that gives what gatherDropFacts + modelJsonIn
 * + openNewModel give (they parse a large model JSON twice, once to route it, once to build it); else undefined, and
 * the caller takes that route. Only for JSON text no checkpoint claims, that is no TF graph, and that holds no Python
 * NaN/Infinity (buildTarget reads those, detection does not); a build that fails is rethrown only where detection
 * would have routed the file to the build too.
 */
async function builtOnce(sources: readonly ByteSource[], wanted: string): Promise<TargetModel | undefined> {
  const file = sources.find((s) => s.path === wanted);
  if (!file || (await listCandidates(sources)).some((c) => c.files.includes(wanted))) return undefined;
  if (await sniffMetaGraph(file)) return undefined;
  const text = await jsonText(file);
  if (text === null || text.includes('NaN') || text.includes('Infinity')) return undefined;
  try {
    return await buildTarget({ text, fileName: basename(file.path) });
  } catch (e) {
    if (detectModelJson(text)) throw e;
    return undefined;
  }
}

export const matchCommand: Command = {
  usage: `graft match OLD NEW [--recipe IN.json] [--rule 'old/=new/' ...] [--out RECIPE.json] [--json | --report]
  OLD        the old checkpoint (prefix, .index, folder, or any readable file)
  NEW        the new model: a model JSON (TF.js model.json, Keras model JSON) or a checkpoint as template
  --recipe   start from this recipe: its links are kept, its rules applied, the rest matched
  --rule     a rename rule, first match wins: 'old_scope/=new_scope/' or 're:^(.*)/W$=$1/kernel'
  --out      write the resulting recipe here
  --json     one JSON object per new variable per line, then a summary line
  --report   the missing / unexpected / mismatched report (like PyTorch's load_state_dict(strict=False)), as Markdown
  --accept   apply links at or above this confidence: sure, likely (default) or guess
  --include-optimizer  match optimizer slots and bookkeeping too
  --keep-function  widened and inserted layers keep what the old model computes (Net2Net): new units copy old ones
             and the layers reading them divide by the copy count; inserted layers start as identity
  --widen-mapping  which old unit a new unit copies: random (seeded, default) or cycle
  --widen-noise    noise (standard deviation) on copied units to break their symmetry; the function is then kept only approximately`,
  async run(args, out) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        recipe: { type: 'string' },
        rule: { type: 'string', multiple: true, default: [] },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        report: { type: 'boolean', default: false },
        accept: { type: 'string', default: 'likely' },
        'include-optimizer': { type: 'boolean', default: false },
        'keep-function': { type: 'boolean', default: false },
        'widen-mapping': { type: 'string', default: 'random' },
        'widen-noise': { type: 'string', default: '0' },
      },
    });
    if (positionals.length !== 2) throw new GraftError('usage', '', `match takes OLD and NEW\n${matchCommand.usage}`);
    if (!CONFIDENCES.includes(values.accept as Confidence)) throw new GraftError('usage', '', `--accept takes sure, likely or guess, not ${values.accept}`);
    await match(positionals[0]!, positionals[1]!, {
      ...(values.recipe ? { recipe: values.recipe } : {}),
      rules: values.rule,
      ...(values.out ? { out: values.out } : {}),
      json: values.json,
      report: values.report,
      accept: values.accept as Confidence,
      includeOptimizer: values['include-optimizer'],
      ...(values['keep-function'] ? { keepFunction: keepFunctionArgs(values['widen-mapping'], values['widen-noise']) } : {}),
    }, out);
  },
};

export async function match(oldPath: string, newPath: string, opts: MatchCliOptions, out: Write): Promise<{ recipe: Recipe; plan: Plan }> {
  let base = emptyRecipe();
  if (opts.recipe || opts.rules.length) await loadRegexEngine();
  if (opts.recipe) {
    const text = await readFile(opts.recipe, 'utf8').catch((e: unknown) => {
      throw new GraftError('missing-file', opts.recipe!, 'no such recipe file', { cause: e });
    });
    base = (await import('../core/mapping/recipe-schema')).parseRecipeText(text, opts.recipe);
  }
  const rules = [...base.rules, ...opts.rules.map(parseRuleArg)];
  base = { ...base, rules, filters: { ...base.filters, includeOptimizer: base.filters.includeOptimizer || opts.includeOptimizer } };
  const old = await openForCli(oldPath);
  const target = await openTarget(newPath, { path: oldPath, checkpoint: old });
  const result = autoMatch(old, target, base, { accept: opts.accept });
  const { ruleCounts } = result;
  const recipe = opts.keepFunction ? keptFunction(result.recipe, old, target, opts.keepFunction, newPath, out, !opts.json && !opts.report) : result.recipe;
  const plan = compile(recipe, old, target);
  const findings = triage({ plan, result, old: old.tensors, variables: target.variables });
  if (opts.report) strictReport({ plan, old: old.tensors, oldLabel: old.label, newLabel: target.label, findings }).trimEnd().split('\n').forEach((l) => out(l));
  else if (opts.json) printJson(plan, recipe, ruleCounts, findings, out);
  else printText(plan, recipe, ruleCounts, findings, old.label, target.label, out);
  if (opts.out) await writeFile(opts.out, JSON.stringify(recipe, null, 2) + '\n');
  return { recipe, plan };
}

function keepFunctionArgs(mapping: string | undefined, noise: string | undefined): KeepFunctionOptions {
  if (mapping !== 'random' && mapping !== 'cycle') throw new GraftError('usage', '', `--widen-mapping takes random or cycle, not ${mapping}`);
  const std = Number(noise);
  if (!Number.isFinite(std) || std < 0) throw new GraftError('usage', '', `--widen-noise takes a standard deviation (a number ≥ 0), not ${noise}`);
  return { mapping, noise: std };
}

/** The matched recipe with the keep-function links; refuses (non-zero exit) when widening cannot keep the function. */
function keptFunction(recipe: Recipe, old: { tensors: readonly TensorInfo[] }, target: TargetModel, opts: KeepFunctionOptions, newPath: string, out: Write, say: boolean): Recipe {
  const kept = keepFunction(recipe, old, target, opts);
  if (kept.refused.length) throw new GraftError('unsupported', newPath, `--keep-function: ${kept.refused[0]}${kept.refused.length > 1 ? ` (and ${kept.refused.length - 1} more)` : ''}`);
  if (say) {
    for (const w of kept.widened) out(`keep-function: ${w.layer} widened ${w.from} → ${w.to}, new units copy [${w.mapping.slice(w.from).join(', ')}]`);
    if (kept.deepened.length) out(`keep-function: inserted as identity: ${kept.deepened.join(', ')}`);
    for (const n of kept.notes) out(`keep-function: ${n}`);
  }
  return withKeepFunction(recipe, kept);
}

function printJson(plan: Plan, recipe: Recipe, counts: number[], findings: readonly Finding[], out: Write): void {
  for (const e of plan.entries) {
    const line: Record<string, unknown> = {
      to: e.to,
      from: e.from,
      status: e.status,
      confidence: e.confidence ?? null,
      reason: e.reason ?? null,
      transforms: e.transforms,
      shape: e.shape,
      dtype: e.dtype,
    };
    if (e.steps.length) line.steps = e.steps;
    if (e.problem) line.problem = e.problem;
    if (e.suggestion) line.suggestion = e.suggestion;
    if (e.fill) line.fill = e.fill;
    if (e.notes.length) line.notes = e.notes;
    if (e.pending) line.proposal = { from: e.pending.from, confidence: e.pending.confidence ?? null, reason: e.pending.reason ?? null, transforms: e.pending.transforms };
    out(JSON.stringify(line));
  }
  const rules = recipe.rules.map((r, i) => ({ ...r, moved: counts[i] ?? 0 }));
  out(JSON.stringify({ summary: { ...plan.summary, unusedOld: plan.unused, rules, problems: plan.problems, findings } }));
}

const MARK: Record<PlanEntry['status'], string> = { exact: '=', transformed: '~', initialised: '+', incompatible: '!' };

function printText(plan: Plan, recipe: Recipe, counts: number[], findings: readonly Finding[], oldLabel: string, newLabel: string, out: Write): void {
  out(`${oldLabel} → ${newLabel}: ${plan.entries.length} new variables`);
  recipe.rules.forEach((r, i) => out(`rule ${i + 1} ${describeRule(r)}: moved ${counts[i] ?? 0} name${counts[i] === 1 ? '' : 's'}`));
  const width = Math.min(60, Math.max(8, ...plan.entries.map((e) => e.to.length)));
  for (const e of plan.entries) {
    const head = `${MARK[e.status]} ${e.status.padEnd(12)} ${e.to.padEnd(width)}`;
    if (e.status === 'initialised') {
      const pending = e.pending ? `  proposal (${e.pending.confidence ?? 'person'}): ← ${e.pending.from.join(' + ')}${e.pending.reason ? ` — ${e.pending.reason}` : ''}` : '';
      out(`${head}  [${e.fill}]${pending}`);
      continue;
    }
    const chain = e.transforms.length ? `  {${e.transforms.map(describeTransform).join(' → ')}}` : '';
    const conf = e.confidence ? `  (${e.confidence})` : '';
    const why = e.problem ? `  — ${e.problem}` : e.reason ? `  — ${e.reason}` : '';
    out(`${head}  ← ${e.from.join(' + ')}${chain}${conf}${why}`);
    for (const n of e.notes) out(`    note: ${n}`);
  }
  for (const name of plan.unused) out(`- unused       ${name}`);
  for (const p of plan.problems) out(`warning: ${p}`);
  if (findings.length) out('findings:');
  for (const f of findings) out(`  - ${f.sentence}. ${f.action[0]!.toUpperCase()}${f.action.slice(1)}.`);
  const s = plan.summary;
  out('');
  out(`summary: ${s.exact} exact, ${s.transformed} transformed, ${s.initialised} initialised, ${s.incompatible} incompatible; ${s.unused} unused old` +
    `${s.excluded ? ` (${s.excluded} optimizer/bookkeeping left out)` : ''}${s.pending ? `; ${s.pending} proposals to review` : ''}`);
}
