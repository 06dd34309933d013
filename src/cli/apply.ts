import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ExecuteResult, type Progress } from '../core/engine';
import { exportCheckpoint } from '../core/engine/export';
import { exportPlan } from '../core/engine/export-plan';
import { GraftError } from '../core/errors';
import { humanBytes } from '../core/display';
import { howToLoad } from '../core/formats/how-to-load';
import { parseShardSize } from '../core/formats/shard-plan';
import { OUTPUT_FORMATS, SHARDABLE_FORMATS, outputFileName, type OutputFormat } from '../core/formats/writers';
import { autoMatch, emptyRecipe, loadRegexEngineFor, type Confidence, type Plan, type Recipe } from '../core/mapping';
import { CONFIDENCES } from '../core/mapping/recipe';
import type { Checkpoint } from '../core/model/checkpoint';
import { pythonScript } from '../core/export/python';
import { startCrcWorker } from './crc-worker';
import { openForCli } from './inspect';
import type { Command } from './main';
import { openTarget } from './match';
import { writeAtomically } from './output-folder';

const FORMATS = OUTPUT_FORMATS;
/**
 * Sources read ahead of the entry being transformed (the engine's default is 64 MiB). Reads from a file come from the
 * page cache in a few ms, so one large tensor ahead keeps the transforms fed; more is fresh memory, and on this
 * project's VMs each fresh 4 KiB page costs a fault: 64 → 16 MiB took ~5,400 faults and ~0.15 s of system time off
 * a transformed 1.3 GB export, its output byte for byte the same.
 */
const READ_AHEAD_BYTES = 16 << 20;

export interface ApplyCliOptions {
  recipe?: string;
  format: OutputFormat;
  out: string;
  /** Also auto-link what the recipe leaves unlinked, at or above this confidence (no recipe: 'likely', as `match`). */
  match?: Confidence;
  /** Write the output even when it carries no trained value at all. */
  allowEmpty?: boolean;
  seed?: number;
  initialiseIncompatible: boolean;
  /** Also write a Python script that does the same mapping with TensorFlow. */
  python?: string;
  /** tf, safetensors: shards of at most this many bytes (`--max-shard-size`). */
  maxShardBytes?: number;
  signal?: AbortSignal;
  /** Where the progress goes (default: process.stderr). */
  progress?: ProgressStream;
}

export interface ProgressStream {
  isTTY?: boolean;
  write(s: string): unknown;
}

type Write = (line: string) => void;

export const applyCommand: Command = {
  usage: `graft apply OLD NEW --out PATH [--format tf|tfjs|keras|keras-legacy|safetensors] [--recipe RECIPE.json] [--match sure|likely|guess] [--seed N] [--initialise-incompatible] [--max-shard-size SIZE]
  OLD        the old checkpoint (prefix, .index, folder, or any readable file)
  NEW        the new model: a model JSON (TF.js model.json, Keras model JSON) or a checkpoint as template
  --out      tf: the output prefix (PATH.index, PATH.data-00000-of-00001, and a checkpoint file beside them);
             tfjs: a folder (model.json + shards); keras: a .weights.h5 file (Keras 3); keras-legacy: an .h5 weights
             file; safetensors: a file
  --format   the merged checkpoint's format (default tf)
  --recipe   the recipe to apply, exactly as saved (graft match --out, or the page's recipe download)
  --match    also link what is left unlinked, at or above this confidence; without --recipe: likely, as graft match
  --allow-empty  write the output even when no new variable gets a trained value (otherwise an error)
  --seed     seed for initialised variables (default: the recipe's seed)
  --initialise-incompatible  initialise variables whose links do not fit instead of refusing to run
  --python   also write a Python script (TensorFlow + NumPy) that does the same mapping without Graft
  --max-shard-size  tf, safetensors: split the output into shards of at most SIZE (bytes, or 500MB, 2GB, 5GiB), as
             HF's max_shard_size; a tensor bigger than SIZE gets a shard of its own. tf: PATH.data-0000N-of-0000M;
             safetensors: NAME-0000N-of-0000M.safetensors + NAME.safetensors.index.json (one plain file if all fits)
  Files appear only when the whole checkpoint was written; on an error or Ctrl-C nothing is left behind.`,
  async run(args, out) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        recipe: { type: 'string' },
        format: { type: 'string', default: 'tf' },
        out: { type: 'string' },
        match: { type: 'string' },
        seed: { type: 'string' },
        'initialise-incompatible': { type: 'boolean', default: false },
        'allow-empty': { type: 'boolean', default: false },
        python: { type: 'string' },
        'max-shard-size': { type: 'string' },
      },
    });
    if (positionals.length !== 2) throw new GraftError('usage', '', `apply takes OLD and NEW\n${applyCommand.usage}`);
    if (!values.out) throw new GraftError('usage', '', `apply needs --out PATH\n${applyCommand.usage}`);
    if (!FORMATS.includes(values.format as OutputFormat)) throw new GraftError('usage', '', `--format takes ${FORMATS.join(', ')}, not ${values.format}`);
    if (values.match !== undefined && !CONFIDENCES.includes(values.match as Confidence)) throw new GraftError('usage', '', `--match takes sure, likely or guess, not ${values.match}`);
    const seed = values.seed === undefined ? undefined : Number(values.seed);
    if (seed !== undefined && !Number.isSafeInteger(seed)) throw new GraftError('usage', '', `--seed takes a whole number, not ${values.seed}`);
    const shardSize = values['max-shard-size'];
    if (shardSize !== undefined && !SHARDABLE_FORMATS.includes(values.format as OutputFormat)) {
      throw new GraftError('usage', '', `--max-shard-size applies to --format ${SHARDABLE_FORMATS.join(' and ')}, not ${values.format}`);
    }
    const maxShardBytes = shardSize === undefined ? undefined : parseShardSize(shardSize);
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      await apply(positionals[0]!, positionals[1]!, {
        ...(values.recipe ? { recipe: values.recipe } : {}),
        format: values.format as OutputFormat,
        out: values.out,
        ...(values.match ? { match: values.match as Confidence } : {}),
        ...(seed !== undefined ? { seed } : {}),
        initialiseIncompatible: values['initialise-incompatible'],
        allowEmpty: values['allow-empty'],
        ...(values.python ? { python: values.python } : {}),
        ...(maxShardBytes !== undefined ? { maxShardBytes } : {}),
        signal: controller.signal,
      }, out);
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};

async function loadRecipe(path: string | undefined): Promise<Recipe | undefined> {
  if (!path) return undefined;
  const text = await readFile(path, 'utf8').catch((e: unknown) => {
    throw new GraftError('missing-file', path, 'no such recipe file', { cause: e });
  });
  // zod (the schemas) loads only here, and RE2 only for a recipe with regex rules: each costs ~0.05–0.1 s of CPU.
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined; // parseRecipeText gives the sentence
  }
  const [{ parseRecipe, parseRecipeText }] = await Promise.all([import('../core/mapping/recipe-schema'), loadRegexEngineFor(doc)]);
  return doc === undefined ? parseRecipeText(text, path) : parseRecipe(doc, path);
}

/** The folder the output's files are created in: the prefix's or file's folder, or the tfjs folder itself. */
function destination(format: OutputFormat, outPath: string): string {
  return format === 'tfjs' ? outPath : dirname(outPath);
}

export async function apply(oldPath: string, newPath: string, opts: ApplyCliOptions, out: Write): Promise<{ plan: Plan; result: ExecuteResult; files: string[] }> {
  const old: Checkpoint = await openForCli(oldPath);
  if (old.format === 'tf-bundle') startCrcWorker();
  const target = await openTarget(newPath, { path: oldPath, checkpoint: old });
  let recipe = (await loadRecipe(opts.recipe)) ?? emptyRecipe();
  const level = opts.match ?? (opts.recipe ? undefined : 'likely');
  if (level) recipe = autoMatch(old, target, recipe, { accept: level }).recipe;
  const planned = exportPlan(recipe, old, target, opts.format);
  if (!opts.allowEmpty && planned.summary.exact + planned.summary.transformed + planned.summary.incompatible === 0 && planned.summary.total > 0) {
    throw new GraftError('usage', newPath, `no new variable would get a trained value from ${basename(oldPath)} (${planned.summary.initialised} initialised${planned.summary.pending ? `, ${planned.summary.pending} only proposed` : ''}); link them with a recipe (graft match --out), accept proposals with --match guess, or pass --allow-empty to write freshly initialised weights`);
  }
  const progress = progressReporter(opts.progress ?? process.stderr);
  const { result: exported, files } = await writeAtomically(destination(opts.format, opts.out), (folder) =>
    exportCheckpoint({
      old,
      target,
      recipe,
      format: opts.format,
      out: folder,
      name: basename(opts.out),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.maxShardBytes !== undefined ? { maxShardBytes: opts.maxShardBytes } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      plan: planned,
      readAheadBytes: READ_AHEAD_BYTES,
      onProgress: progress.update,
      incompatible: opts.initialiseIncompatible ? 'initialise' : 'refuse',
    }),
  ).finally(progress.end);
  const { plan, result, notes } = exported;
  if (opts.python) {
    const seed = opts.seed !== undefined ? { seed: opts.seed } : {};
    await writeFile(opts.python, await pythonScript(recipe, plan, target, old.tensors, { format: opts.format, oldPath, oldFormat: old.format, newPath, outPath: opts.out, ...seed }));
    files.push(opts.python);
  }
  const s = plan.summary;
  out(`wrote ${files.join(', ')}`);
  const proposals = plan.entries.filter((e) => e.pending);
  if (proposals.length) {
    out(`left out: ${proposals.length} proposed link${proposals.length === 1 ? '' : 's'} below the accepted confidence (initialised instead): ${proposals.slice(0, 5).map((e) => `${e.to} ← ${e.pending!.from.join(' + ')} (${e.pending!.confidence ?? 'guess'})`).join(', ')}${proposals.length > 5 ? ', …' : ''}; accept them with --match guess or in a recipe`);
  }
  for (const note of notes) out(`note: ${note}`);
  out(`${result.variables} variables (${s.exact} exact, ${s.transformed} transformed, ${s.initialised} initialised${opts.initialiseIncompatible && s.incompatible ? `, ${s.incompatible} incompatible initialised` : ''}), ${humanBytes(result.bytes)} in ${result.seconds.toFixed(1)} s${result.backend ? `; arithmetic on TF.js ${result.backend}` : ''}`);
  const single = join(dirname(opts.out), outputFileName(opts.format, basename(opts.out)));
  const sharded = files.find((f) => f === `${single}.index.json`);
  const loadable = opts.format === 'tf' ? opts.out : opts.format === 'tfjs' ? join(opts.out, outputFileName('tfjs', '')) : (sharded ?? single);
  out(`load it with: ${howToLoad(opts.format, target, loadable)}`);
  return { plan, result, files };
}

/** A progress bar redrawn in place on a terminal; elsewhere a plain line every 10%. */
function progressReporter(stream: ProgressStream): { update: (p: Progress) => void; end: () => void } {
  let lastDraw = 0;
  let lastDecile = -1;
  let drawn = false;
  const line = (p: Progress) => {
    const pct = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : p.variablesDone / Math.max(1, p.variablesTotal);
    const rate = `${humanBytes(p.rateBytesPerSec)}/s`;
    const eta = p.etaSeconds === null ? '' : ` · ${Math.ceil(p.etaSeconds)} s left`;
    return { pct, text: `${(pct * 100).toFixed(0).padStart(3)}% · ${humanBytes(p.bytesDone)} of ${humanBytes(p.bytesTotal)} · ${p.variablesDone}/${p.variablesTotal} variables · ${rate}${eta}` };
  };
  return {
    update(p) {
      const { pct, text } = line(p);
      if (stream.isTTY) {
        const now = performance.now();
        if (now - lastDraw < 100 && p.variablesDone < p.variablesTotal) return;
        lastDraw = now;
        const width = 24;
        const filled = Math.round(pct * width);
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
        drawn = true;
      } else {
        const decile = Math.floor(pct * 10);
        if (decile === lastDecile) return;
        lastDecile = decile;
        stream.write(`graft apply: ${text}\n`);
      }
    },
    end() {
      if (drawn) stream.write('\n');
    },
  };
}
