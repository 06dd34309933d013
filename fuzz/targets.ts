/**
 * One input through the calls the page and the CLI make: detect, open (as the old checkpoint and as the new model's
 * template), list, read every tensor (stored bytes and value); a model JSON or MetaGraph opened as the new model
 * and exported; a recipe parsed, compiled and exported against a fixed pair, then its Python script generated; the
 * Python generator on hostile names and paths. Runs in a fuzz child; the child measures time and memory.
 */
import { exportCheckpoint } from '../src/core/engine/export';
import { exportPlan } from '../src/core/engine/export-plan';
import { GraftError } from '../src/core/errors';
import { pythonScript } from '../src/core/export/python';
import { memorySource, type ByteSource } from '../src/core/io/byte-source';
import { MemoryFolder } from '../src/core/io/output';
import { checkpointTarget, openNewModel } from '../src/core/formats/new-model';
import { listCandidates, openCheckpoint } from '../src/core/formats/registry';
import { OUTPUT_FORMATS, type OutputFormat } from '../src/core/formats/writers';
import { autoMatch, emptyRecipe, type Confidence } from '../src/core/mapping';
import { parseRecipeText } from '../src/core/mapping/recipe-schema';
import { loadRegexEngine } from '../src/core/mapping/safe-regex';
import type { Checkpoint } from '../src/core/model/checkpoint';
import { ELEMENT_SIZE } from '../src/core/model/dtypes';
import type { TargetModel } from '../src/core/model/target-model';
import { type Corpus, type Reader } from './corpus';
import type { PythonCase } from './generate';
import type { FileBytes } from './mutate-tf';
import type { PythonChecker } from './python-check';

export interface Input {
  reader: Reader;
  files: FileBytes[];
  /** Recipe: which pair; model JSON and recipe: which format to export. */
  pair?: number;
  format?: OutputFormat;
  /** Recipe: also run the matcher at this level first (where rename rules run), as `graft apply --match` and the page do. */
  match?: Confidence;
  /** Where it came from and what was done to it (reports only). */
  seed?: string;
  ops?: string[];
}

/** Bytes a model JSON's export may write before it is skipped as legitimately large (the file declares it). */
const EXPORT_CAP = 1 << 20;

export class Inconsistent extends Error {
  override name = 'Inconsistent';
}

/** What the page and the CLI show must stay readable whatever the file: warnings collapsed, sentences bounded. */
const MAX_WARNINGS = 200;
const MAX_SENTENCE = 4096;

function checkWarnings(where: string, warnings: readonly string[] | undefined): void {
  if (!warnings) return;
  if (warnings.length > MAX_WARNINGS) throw new Inconsistent(`${where}: ${warnings.length} warnings (more than ${MAX_WARNINGS}; expected one line per kind with a count)`);
  const long = warnings.find((w) => w.length > MAX_SENTENCE);
  if (long) throw new Inconsistent(`${where}: a warning of ${long.length} characters: ${long.slice(0, 120)}…`);
}

/** A typed error whose sentence runs past MAX_SENTENCE characters is reported as a defect, not as a typed error. */
export function checkSentence(e: GraftError): void {
  if (e.message.length > MAX_SENTENCE) throw new Inconsistent(`a GraftError sentence of ${e.message.length} characters (code ${e.code}): ${e.message.slice(0, 160)}…`);
}

const sources = (files: readonly FileBytes[]): ByteSource[] => files.map((f) => memorySource(f.path, f.bytes));

/** Reads every tensor (bytes and value), on past typed errors so that each tensor is tried; the first is rethrown. */
async function readAll(ck: Checkpoint): Promise<void> {
  checkWarnings(`${ck.format} checkpoint`, ck.warnings);
  let first: GraftError | undefined;
  const typed = (e: unknown) => {
    if (!(e instanceof GraftError)) throw e;
    checkSentence(e);
    first ??= e;
  };
  for (const t of ck.tensors) {
    const why = ck.unreadable?.(t.name);
    let bytes: Uint8Array;
    try {
      bytes = await ck.read(t.name);
    } catch (e) {
      typed(e);
      continue;
    }
    if (bytes.byteLength !== t.byteLength) throw new Inconsistent(`${t.name}: read gave ${bytes.byteLength} bytes, listed ${t.byteLength}`);
    if (why !== undefined) throw new Inconsistent(`${t.name}: listed as unreadable (${why}) but read`);
    await ck.readValue(t.name).catch(typed);
  }
  if (first) throw first;
}

/** Detect, open each candidate (as the old side and as the new model's template), list, read every tensor. */
async function checkpointInput(input: Input): Promise<void> {
  const files = sources(input.files);
  const candidates = await listCandidates(files);
  if (candidates.length === 0) {
    await openCheckpoint(files);
    return;
  }
  // openNewModel(files, {as: 'checkpoint'}) is openCheckpoint then checkpointTarget: the same calls, one open.
  for (const c of candidates.slice(0, 4)) {
    const checkpoint = await openCheckpoint(files, c.id);
    try {
      let typed: GraftError | undefined;
      await readAll(checkpoint).catch((e: unknown) => {
        if (!(e instanceof GraftError)) throw e;
        typed = e;
      });
      checkWarnings('new model', (await checkpointTarget(checkpoint)).warnings);
      if (typed) throw typed;
    } finally {
      checkpoint.close?.();
    }
  }
}

const emptyOld = (): Checkpoint => ({
  format: 'safetensors',
  label: 'empty',
  files: [],
  tensors: [],
  warnings: [],
  read: (name) => Promise.reject(new GraftError('not-found', 'empty', `no ${name}`)),
  readValue: (name) => Promise.reject(new GraftError('not-found', 'empty', `no ${name}`)),
});

function exportable(target: TargetModel): boolean {
  let total = 0;
  for (const v of target.variables) {
    const n = v.shape.reduce((a, b) => a * b, 1);
    // A shape no real tensor has must be refused with a sentence: export it and see.
    if (!v.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || !Number.isSafeInteger(n)) return true;
    total += n * (ELEMENT_SIZE[v.dtype] ?? 8);
  }
  return total <= EXPORT_CAP;
}

/** The new model from a model JSON or MetaGraph, and an export of it with every variable initialised. */
async function modelJsonInput(input: Input): Promise<void> {
  const { target } = await openNewModel(sources(input.files), { as: 'model-json', path: input.files[0]!.path });
  checkWarnings('new model', target.warnings);
  if (!exportable(target)) return;
  const format = input.format ?? 'tfjs';
  await exportCheckpoint({ old: emptyOld(), target, recipe: emptyRecipe(), format, out: new MemoryFolder(), name: 'out' });
}

interface OpenedPair {
  old: Checkpoint;
  target: TargetModel;
  bytes: number;
}

const pairs = new Map<number, OpenedPair>();

async function openPair(corpus: Corpus, i: number): Promise<OpenedPair> {
  const have = pairs.get(i);
  if (have) return have;
  const p = corpus.pairs[i % corpus.pairs.length]!;
  const old = await openCheckpoint(sources(p.old.files), p.old.candidateId);
  const { target } = await openNewModel(sources(p.target.files), { as: 'checkpoint', candidateId: p.target.candidateId });
  const opened = { old, target, bytes: [...p.old.files, ...p.target.files].reduce((n, f) => n + f.bytes.length, 0) };
  pairs.set(i, opened);
  return opened;
}

async function checkScript(python: PythonChecker | null, script: string): Promise<void> {
  const r = await python?.check(script);
  if (r && !r.ok) throw new Inconsistent(`generated Python: ${r.error}`);
}

/** A recipe parsed, matched (rename rules), compiled, exported against its pair, and its Python script generated and parsed. */
async function recipeInput(input: Input, corpus: Corpus, python: PythonChecker | null): Promise<void> {
  const text = new TextDecoder().decode(input.files[0]!.bytes);
  await loadRegexEngine(); // as the CLI does before it reads a recipe (safe-regex.ts)
  const parsed = parseRecipeText(text, 'recipe.json');
  const { old, target } = await openPair(corpus, input.pair ?? 0);
  const recipe = input.match ? autoMatch(old, target, parsed, { accept: input.match }).recipe : parsed;
  const format = input.format ?? 'tf';
  const plan = corpus.pairs[(input.pair ?? 0) % corpus.pairs.length]!.exported
    ? (await exportCheckpoint({ old, target, recipe, format, out: new MemoryFolder(), name: 'out', incompatible: 'initialise' })).plan
    : exportPlan(recipe, old, target, format);
  await checkScript(python, await pythonScript(recipe, plan, target, old.tensors, { format, oldPath: 'old.ckpt', oldFormat: old.format, newPath: 'new', outPath: 'out' }));
}

/** The Python generator on a checkpoint and a new model whose names and paths are hostile. */
async function pythonInput(input: Input, python: PythonChecker | null): Promise<void> {
  const c = JSON.parse(new TextDecoder().decode(input.files[0]!.bytes)) as PythonCase;
  const listed = c.old.map((t) => ({ ...t, byteLength: t.shape.reduce((a, b) => a * b, 1) * 4, kind: 'weight' as const, group: '' }));
  const old = { ...emptyOld(), tensors: listed } as Checkpoint;
  const text = c.kerasTarget ?? JSON.stringify(c.target);
  const { target } = await openNewModel([memorySource('new.json', new TextEncoder().encode(text))], { as: 'model-json', path: 'new.json' });
  const recipe = emptyRecipe({ links: c.links.map((l) => ({ from: [l.from], to: l.to, transforms: l.transpose ? [{ op: 'transpose', perm: [1, 0] }] : [] })) });
  const format = (OUTPUT_FORMATS as readonly string[]).includes(c.format) ? (c.format as OutputFormat) : 'tf';
  const plan = exportPlan(recipe, old, target, format);
  await checkScript(python, await pythonScript(recipe, plan, target, old.tensors, { format, oldPath: c.oldPath, oldFormat: 'tf-bundle', newPath: c.newPath, outPath: c.outPath }));
}

/** Bytes the input's outcome may allocate against: its files, plus the pair a recipe is applied to. */
export async function inputBytes(input: Input, corpus: Corpus): Promise<number> {
  const own = input.files.reduce((n, f) => n + f.bytes.length, 0);
  return input.reader === 'recipe' ? own + (await openPair(corpus, input.pair ?? 0)).bytes : own;
}

export async function runInput(input: Input, corpus: Corpus, python: PythonChecker | null): Promise<void> {
  if (input.reader === 'model-json' || input.reader === 'tf-meta') return modelJsonInput(input);
  if (input.reader === 'recipe') return recipeInput(input, corpus, python);
  if (input.reader === 'python') return pythonInput(input, python);
  return checkpointInput(input);
}
