/**
 * A standalone Python script that does what an export did, without Graft: `python script.py OLD [TEMPLATE] OUT`
 * reads the old checkpoint in any format Graft reads that Python can, computes every variable of the new model as
 * the engine computes it, and writes the format the export wrote. Values equal the export's bit for bit: copies are
 * copies, the arithmetic repeats Graft's operation order, and initialised values come from a port of Graft's own
 * seeded generator rather than from Keras (whose numbers would differ). Nothing in the script reads a path Graft
 * saw: they appear in its docstring only.
 */
import { targetForFormat } from '../engine/export';
import type { OutputFormat } from '../formats/writers';
import type { Plan, Recipe } from '../mapping';
import type { TargetModel, TargetVariable } from '../model/target-model';
import { pyLiteral, pyStr, pyTuple } from './python-literal';
import { type OutputLayout, outputLayout } from './python-layout';
import { PY_LIBM } from './python-runtime-libm';
import { PY_RANDOM } from './python-runtime-random';
import { PY_READ } from './python-runtime-read';
import { PY_READ_TORCH } from './python-runtime-read-torch';
import { PY_MEAN, PY_NUMBERS, PY_RESIZE } from './python-runtime-values';
import { PY_GROW } from './python-runtime-grow';
import { type Needs, entryExpression, noNeeds } from './python-steps';

export interface PythonScriptOptions {
  /** The format the export wrote: the script writes the same. */
  format: OutputFormat;
  /** OLD as Graft read it: shown in the docstring, never read by the script. */
  oldPath: string;
  /** The old checkpoint's `Checkpoint.format`: a TF bundle adds the `init_from_checkpoint` map to a renames-only script. */
  oldFormat?: string;
  /** NEW as Graft read it: shown only. */
  newPath?: string;
  /** OUT as Graft wrote it: shown only. */
  outPath?: string;
  /** The seed the export drew initialised values with (default: the recipe's). */
  seed?: number;
}

/** Renames only: every value is one old variable copied as it is (no transforms, nothing initialised from a recipe link). */
export function isRenamesOnly(plan: Plan): boolean {
  return plan.entries.every((e) => e.status === 'exact' || e.status === 'initialised');
}

/**
 * A variable's initializer as the script's VARIABLES hold it. A template value is read under the key Graft reads it
 * by: `initializer.key`, else the variable's name in a checkpoint template, else (a model built from a `.keras` file's
 * config) its Keras 3 path, which is how a `.keras` file stores it.
 */
function specLiteral(v: TargetVariable | undefined, source: TargetModel['source']): string {
  const spec = v?.initializer;
  if (!spec || spec.kind === 'zeros') return '("zeros",)';
  if (spec.kind === 'template') return `("template", ${pyStr(spec.key ?? (source === 'checkpoint' ? v!.name : (v!.kerasPath ?? v!.name)))})`;
  return `("keras", ${pyStr(spec.className)}, ${pyLiteral(spec.config)})`;
}

const MAIN = String.raw`
def refuse(message):
    fail(message)


def zeros(dtype, shape):
    if dtype == "string":
        return np.full(shape, b"", dtype=object)
    return np.zeros(shape, dtype=np_dtype(dtype))


def default(template, name):
    """The value an unlinked variable gets: the template's, or its initializer drawn as Graft draws it."""
    dtype, shape, spec = VARIABLES[name]
    if spec[0] == "template":
        value = template.get(spec[1])
        if tuple(value.shape) != shape or dtype_name(value) != dtype:
            fail("the template's %s is %s %s, not %s %s" % (name, dtype_name(value), value.shape, dtype, shape))
        return value
    if dtype == "string":
        fail("%s is a string variable, which has no default value: link it to an old variable" % name)
    if spec[0] == "zeros":
        return zeros(dtype, shape)
    return encode_values(values_for(spec, dtype, shape, derive_seed(SEED, name)), dtype, shape)


def fresh(name, dtype, shape):
    """The variable's initializer drawn for another shape (a pad whose later steps change the shape)."""
    return encode_all(values_for(VARIABLES[name][2], dtype, shape, derive_seed(SEED, name)).reshape(shape), dtype)


def checked(name, dtype, shape, value):
    value = np.asarray(value)
    if dtype_name(value) != dtype or tuple(value.shape) != shape:
        fail("%s came out %s %s, but the new model declares %s %s" % (name, dtype_name(value), value.shape, dtype, shape))
    return name, value


def main(argv):
    wanted = 3 if NEEDS_TEMPLATE else 2
    if len(argv) != wanted or any(a in ("-h", "--help") for a in argv):
        sys.stderr.write(USAGE.replace("SCRIPT", os.path.basename(sys.argv[0]), 1))
        sys.exit(2)
    path = output_path(argv[-1])
    for role, given in zip(("OLD", "TEMPLATE"), argv[:-1]):
        if os.path.abspath(given) in (os.path.abspath(path), os.path.abspath(path + ".index"), os.path.abspath(argv[-1])):
            fail("OUT %s would overwrite %s %s" % (argv[-1], role, given))
    old = open_checkpoint(argv[0], "OLD")
    template = open_checkpoint(argv[1], "TEMPLATE") if NEEDS_TEMPLATE else None
    folder = path if FORMAT == "tfjs" else os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    values = merged(old, template)
    print("wrote", __WRITE__)


if __name__ == "__main__":
    main(sys.argv[1:])
`;

const FORMAT_WORDS: Record<OutputFormat, string> = {
  tf: 'a TensorFlow checkpoint',
  tfjs: 'a TF.js model (model.json and its shards)',
  keras: 'Keras 3 weights (.weights.h5)',
  'keras-legacy': 'legacy Keras weights (.h5)',
  safetensors: 'a safetensors file',
  pytorch: 'a PyTorch state dict (.pt)',
};

const OLD_FORMATS = 'a TF checkpoint (prefix, .index, checkpoint folder, SavedModel folder), Keras weights (.h5, .weights.h5, .keras), safetensors (.safetensors or its .index.json), PyTorch (.pt, .pth, .bin or a sharded .bin.index.json; state dicts, read with torch.load(weights_only=True)), NumPy (.npz, .npy or a folder of them), or a TF.js model.json';

/**
 * Text inside a non-raw """ docstring, escaped as a str literal's body: quotes, backslashes (`C:\\Users`), newlines
 * and control characters (a NUL is a SyntaxError anywhere in Python source) cannot end or bend it.
 */
const doc = (s: string) => pyStr(s).slice(1, -1);

/** What the script's text is made of, computed from the plan before any line is written. */
interface ScriptParts {
  /** `merged`'s body: one `yield checked(...)` per plan entry. */
  values: string[];
  /** VARIABLES' entries. */
  variables: string[];
  usage: string[];
  packages: string[];
  seed: number;
  /** Whether the script asks for TEMPLATE. */
  template: boolean;
  needs: Needs;
  layout: OutputLayout;
}

async function scriptParts(recipe: Recipe, plan: Plan, target: TargetModel, oldTensors: readonly { name: string; shape: number[] }[], opts: PythonScriptOptions): Promise<ScriptParts> {
  const rankOf = new Map(oldTensors.map((t) => [t.name, t.shape.length]));
  const view = targetForFormat(target, opts.format);
  const byName = new Map(view.variables.map((v) => [v.name, v]));
  const inPlan = new Set(plan.entries.map((e) => e.to));
  const layout = await outputLayout(opts.format, target, view.variables.filter((v) => inPlan.has(v.name)));
  // TEMPLATE is asked for where the new model takes values from a file: a checkpoint template, or a .keras / full-model
  // .h5 whose stored weights are its variables' defaults.
  const template = target.source === 'checkpoint' || view.variables.some((v) => v.initializer.kind === 'template');
  const needs = noNeeds();
  const values = plan.entries.map((e) => {
    const v = byName.get(e.to);
    const expr = entryExpression(e, v, e.from.map((n) => rankOf.get(n) ?? 0), needs);
    const why = e.status === 'exact' ? '' : e.status === 'transformed' ? `  # ${e.transforms.map((t) => t.op).join(' → ')}` : `  # ${e.status}`;
    return `    yield checked(${pyStr(e.to)}, ${pyStr(e.dtype)}, ${pyTuple(e.shape)}, ${expr})${why}`;
  });
  const variables = [...needs.defaults].map((name) => {
    const v = byName.get(name);
    return `    ${pyStr(name)}: (${pyStr(v?.dtype ?? 'float32')}, ${pyTuple(v?.shape ?? [])}, ${specLiteral(v, target.source)}),`;
  });
  const usage = [
    `usage: python SCRIPT ${template ? 'OLD TEMPLATE OUT' : 'OLD OUT'}`,
    `  OLD       the old checkpoint: ${OLD_FORMATS}`,
    ...(template ? ['  TEMPLATE  the file Graft read as NEW (a checkpoint, a .keras or a full-model .h5): variables no link fills take its values'] : []),
    `  OUT       ${layout.usage}`,
  ];
  return { values, variables, usage, packages: ['numpy', ...layout.packages], seed: opts.seed ?? recipe.seed, template, needs, layout };
}

/** The module docstring: what the script does, how to run it, and what Graft ran. */
function docstring(plan: Plan, target: TargetModel, opts: PythonScriptOptions, { usage, packages, seed, template }: ScriptParts): string[] {
  const s = plan.summary;
  return [
    `"""Generated by Graft: the variables of ${doc(target.label)} filled from an old checkpoint, written as`,
    `${FORMAT_WORDS[opts.format]}: what \`graft apply --format ${opts.format}\` wrote.`,
    '',
    ...usage.map(doc),
    '',
    `Graft ran it with OLD = ${doc(opts.oldPath)}${opts.newPath ? `, NEW = ${doc(opts.newPath)}` : ''}${opts.outPath ? `, OUT = ${doc(opts.outPath)}` : ''}`,
    '(for reference only: the script reads the paths it is given).',
    `${s.total} variables: ${s.exact} exact, ${s.transformed} transformed, ${s.initialised} initialised${s.incompatible ? `, ${s.incompatible} incompatible (initialised)` : ''}.`,
    '',
    'The values equal Graft\'s export bit for bit: copies are copies; casts round once to nearest even (floats to',
    'integers truncate and saturate); mean fills and resizes repeat the float32 arithmetic of TF.js\' CPU backend in',
    `its order; initialised values come from a port of Graft's own seeded generator (seed ${seed}, one stream per variable`,
    'name) with Keras\' distributions and V8\'s log/sin/cos, not from Keras\' initializers, whose numbers would differ.',
    `Needs ${packages.join(' and ')} to write it; reading OLD${template ? ' or TEMPLATE' : ''} needs h5py for Keras files, tensorflow for TF`,
    'checkpoints, torch for PyTorch files, ml_dtypes for bfloat16. What to compute is at the top (merged); how, below it.',
    '"""',
  ];
}

/** A renames-only plan from a TF bundle, as an `init_from_checkpoint` assignment map. */
function assignmentMap(plan: Plan): string[] {
  return [
    '',
    '# Renames only: the same mapping as an assignment map, for',
    '#   tf.compat.v1.train.init_from_checkpoint(OLD, ASSIGNMENT_MAP)',
    '# called after the new model\'s variables exist (a TF1 graph, or a Keras model built in a tf.compat.v1 graph).',
    'ASSIGNMENT_MAP = {',
    ...plan.entries.filter((e) => e.status === 'exact').map((e) => `    ${pyStr(e.from[0]!)}: ${pyStr(e.to.replace(/\/\.ATTRIBUTES\/VARIABLE_VALUE$/, '').replace(/:0$/, ''))},`),
    '}',
  ];
}

/** The Python the script runs: readers, the numeric helpers it needs, the writer, and main. */
function runtime({ needs, layout }: ScriptParts): string[] {
  const lines = [PY_READ, '', PY_READ_TORCH, '', PY_NUMBERS, ''];
  if (needs.mean) lines.push(PY_MEAN, '');
  if (needs.resize) lines.push(PY_RESIZE, '');
  if (needs.grow) lines.push(PY_GROW, '');
  if (needs.random) lines.push(PY_LIBM, '', PY_RANDOM, '');
  for (const code of layout.code) lines.push(code, '');
  lines.push(layout.outputPath, '', '');
  lines.push(MAIN.replace('__WRITE__', layout.write).replace(/^\n/, ''));
  return lines;
}

/** The script's text. */
export async function pythonScript(recipe: Recipe, plan: Plan, target: TargetModel, oldTensors: readonly { name: string; shape: number[] }[], opts: PythonScriptOptions): Promise<string> {
  const parts = await scriptParts(recipe, plan, target, oldTensors, opts);
  const { values, variables, usage, seed, template, layout } = parts;
  return [
    '#!/usr/bin/env python3',
    ...docstring(plan, target, opts, parts),
    'import io', 'import json', 'import math', 'import os', 'import re', 'import struct', 'import sys', 'import zipfile', '', 'import numpy as np', '',
    `USAGE = """${doc(usage.join('\n'))}\n"""`,
    `FORMAT = ${pyStr(opts.format)}`,
    `SEED = ${seed}`,
    `NEEDS_TEMPLATE = ${template ? 'True' : 'False'}`,
    '', '',
    'def merged(old, template):',
    '    """Every variable of the new model, in the order Graft wrote them."""',
    ...(values.length ? values : ['    return', '    yield']),
    '', '',
    '# The variables whose default value the script computes: name -> (dtype, shape, initializer).',
    'VARIABLES = {', ...variables, '}',
    ...layout.constants,
    ...(opts.oldFormat === 'tf-bundle' && isRenamesOnly(plan) ? assignmentMap(plan) : []),
    '', '',
    ...runtime(parts),
  ].join('\n');
}
