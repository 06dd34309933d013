/**
 * A standalone Python script that does what a plan does, with TensorFlow and NumPy only, so a merged checkpoint
 * can be reproduced without Graft: `tf.train.load_checkpoint` reads the old values, NumPy applies each link's
 * transforms, and `tf.compat.v1.train.Saver` writes a TF checkpoint under the new keys exactly. Where the recipe
 * is renames only, the script also carries the `init_from_checkpoint` assignment map, for people who would
 * rather initialise their model in place.
 *
 * Data movement gives the same bytes as Graft. Values Graft draws from its own seeded generator (initialised
 * variables, `initializer` pad fills) come here from the Keras initializer itself, so they have the same
 * distribution but not the same numbers; templates are read from the template checkpoint.
 */
import type { Plan, PlanEntry, Recipe, Transform } from '../mapping';
import type { TargetModel } from '../model/target';

export interface PythonScriptOptions {
  /** The old checkpoint's prefix as the person knows it (the default for the script's first argument). */
  oldPath: string;
  /** The output prefix (the default for the second argument). */
  outPath?: string;
  /** A checkpoint holding the new model's template values, where the new model is a checkpoint. */
  templatePath?: string;
}

const py = (s: string) => JSON.stringify(s);
const tuple = (xs: readonly number[]) => (xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`);

/** Python index expression selecting `start:start+size` on `axis`. */
function sliceExpr(axis: number, start: number, size: number): string {
  return `[${[...Array<string>(axis).fill(':'), `${start}:${start + size}`].join(', ')}]`;
}

function padWidths(rank: number, axis: number, before: number, after: number): string {
  return `[${Array.from({ length: rank }, (_, i) => (i === axis ? `(${before}, ${after})` : '(0, 0)')).join(', ')}]`;
}

/** The NumPy expression for one step applied to `x` (input shape and rank from the plan's previous step). */
export function numpyStep(t: Transform, x: string, inputs: readonly string[], rank: number, entry: PlanEntry, stepIndex: number): string {
  switch (t.op) {
    case 'reshape': return `${x}.reshape(${tuple(t.shape)})`;
    case 'transpose': return `np.transpose(${x}, ${tuple(t.perm)})`;
    case 'squeeze': return `np.squeeze(${x}, axis=${t.axis})`;
    case 'expand': return `np.expand_dims(${x}, axis=${t.axis})`;
    case 'slice': return `${x}${sliceExpr(t.axis, t.start, t.size)}`;
    case 'split': return `${x}${sliceExpr(t.axis, t.sizes.slice(0, t.index).reduce((a, b) => a + b, 0), t.sizes[t.index]!)}`;
    case 'concat': return `np.concatenate([${inputs.join(', ')}], axis=${t.axis})`;
    case 'stack': return `np.stack([${inputs.join(', ')}], axis=${t.axis})`;
    case 'cast': return `cast(${x}, ${py(t.dtype)})`;
    case 'resize': return `resize(${x}, ${tuple(t.shape)}, ${py(t.method)})`;
    case 'pad': {
      const widths = padWidths(rank, t.axis, t.before, t.after);
      if (t.fill === 'zeros') return `np.pad(${x}, ${widths}, mode="constant")`;
      if (t.fill === 'copy') return `np.pad(${x}, ${widths}, mode="wrap")`;
      if (t.fill === 'mean') return `np.pad(${x}, ${widths}, mode="mean")`;
      return `pad_with(${x}, ${t.axis}, ${t.before}, initial(${py(entry.to)}, ${tuple(entry.steps[stepIndex]!.shape)}, ${py(entry.steps[stepIndex]!.dtype)}))`;
    }
  }
}

/** The right-hand side computing a plan entry's value. */
export function entryExpression(entry: PlanEntry, fill: string, sourceRanks: readonly number[]): string {
  if (entry.status === 'initialised' || entry.status === 'incompatible') {
    return fill === 'zeros' ? `np.zeros(${tuple(entry.shape)}, dtype=np_dtype(${py(entry.dtype)}))` : `initial(${py(entry.to)}, ${tuple(entry.shape)}, ${py(entry.dtype)})`;
  }
  const inputs = entry.from.map((n) => `read(${py(n)})`);
  let expr = inputs[0]!;
  let rank = sourceRanks[0] ?? 0;
  entry.transforms.forEach((t, i) => {
    expr = numpyStep(t, expr, inputs, rank, entry, i);
    rank = entry.steps[i]!.shape.length;
  });
  return expr;
}

/** Renames only: every value is one old variable copied as it is (no transforms, nothing initialised from a recipe link). */
export function isRenamesOnly(plan: Plan): boolean {
  return plan.entries.every((e) => e.status === 'exact' || e.status === 'initialised');
}

const HELPERS = `
def np_dtype(name):
    return tf.dtypes.as_dtype(name).as_numpy_dtype


def read(name):
    return reader.get_tensor(name)


def cast(x, dtype):
    # As Graft casts: floats round to nearest even; floats to integers truncate toward zero and saturate
    # (NaN -> 0); integers to narrower integers wrap.
    target = np.dtype(np_dtype(dtype))
    if np.issubdtype(target, np.integer) and not np.issubdtype(x.dtype, np.integer):
        info = np.iinfo(target)
        x = np.nan_to_num(np.trunc(x.astype(np.float64)), nan=0.0)
        return np.clip(x, info.min, info.max).astype(target)
    if target == np.bool_:
        return x != 0
    return x.astype(target)


def resize(x, shape, method):
    # tf.image.resize (half-pixel centres) one changed axis at a time, in float32, as Graft does.
    dtype = x.dtype
    y = x.astype(np.float32)
    for axis in range(len(shape)):
        if y.shape[axis] == shape[axis]:
            continue
        outer = int(np.prod(y.shape[:axis], dtype=np.int64))
        inner = int(np.prod(y.shape[axis + 1:], dtype=np.int64))
        image = y.reshape(outer, y.shape[axis], 1, inner)
        out = tf.image.resize(image, [shape[axis], 1], method=method).numpy()
        y = out.reshape(y.shape[:axis] + (shape[axis],) + y.shape[axis + 1:])
    return y.astype(dtype)


def pad_with(x, axis, before, fill):
    out = np.array(fill, copy=True)
    index = [slice(None)] * x.ndim
    index[axis] = slice(before, before + x.shape[axis])
    out[tuple(index)] = x
    return out


def initial(name, shape, dtype):
    spec = INITIALIZERS.get(name)
    if spec is None:
        return np.zeros(shape, dtype=np_dtype(dtype))
    if spec == "template":
        value = template.get_tensor(name)
        return value if tuple(value.shape) == tuple(shape) else np.zeros(shape, dtype=np_dtype(dtype))
    init = tf.keras.initializers.deserialize(spec)
    return np.asarray(init(shape, dtype=tf.dtypes.as_dtype(dtype) if dtype.startswith("float") else tf.float32)).astype(np_dtype(dtype))


def write_checkpoint(values, prefix):
    # Saver with a dict writes every value under its key exactly; values are fed, never baked into the graph.
    with tf.Graph().as_default():
        variables, feeds = {}, {}
        for i, (key, value) in enumerate(values.items()):
            value = np.asarray(value)
            placeholder = tf.compat.v1.placeholder(tf.dtypes.as_dtype(value.dtype), value.shape)
            variables[key] = tf.compat.v1.Variable(placeholder, name="graft_%d" % i)
            feeds[placeholder] = value
        saver = tf.compat.v1.train.Saver(var_list=variables)
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer(), feed_dict=feeds)
            saver.save(session, prefix, write_meta_graph=False, write_state=False)
`;

/** The script's text. */
export function pythonScript(recipe: Recipe, plan: Plan, target: Pick<TargetModel, 'variables' | 'label'>, oldTensors: readonly { name: string; shape: number[] }[], opts: PythonScriptOptions): string {
  const rankOf = new Map(oldTensors.map((t) => [t.name, t.shape.length]));
  const byName = new Map(target.variables.map((v) => [v.name, v]));
  const initializers: string[] = [];
  for (const e of plan.entries) {
    const needs = e.status === 'initialised' || e.status === 'incompatible' || e.transforms.some((t) => t.op === 'pad' && t.fill === 'initializer');
    const v = byName.get(e.to);
    if (!needs || !v) continue;
    if (v.initializer.kind === 'template') initializers.push(`    ${py(e.to)}: "template",`);
    else if (v.initializer.kind === 'keras') initializers.push(`    ${py(e.to)}: ${JSON.stringify({ class_name: v.initializer.className, config: v.initializer.config })},`);
  }
  const lines: string[] = [];
  lines.push('#!/usr/bin/env python3');
  lines.push(`"""Generated by Graft: the merged checkpoint of ${target.label.replace(/"/g, "'")} from ${opts.oldPath.replace(/"/g, "'")}.`);
  lines.push('');
  lines.push('Usage: python <this script> [OLD_PREFIX] [OUT_PREFIX]');
  lines.push(`${plan.summary.exact} exact, ${plan.summary.transformed} transformed, ${plan.summary.initialised} initialised.`);
  lines.push('Initialised values come from the Keras initializers (same distribution as Graft, other numbers).');
  lines.push('"""');
  lines.push('import sys');
  lines.push('');
  lines.push('import numpy as np');
  lines.push('import tensorflow as tf');
  lines.push('');
  lines.push(`OLD = sys.argv[1] if len(sys.argv) > 1 else ${py(opts.oldPath)}`);
  lines.push(`OUT = sys.argv[2] if len(sys.argv) > 2 else ${py(opts.outPath ?? 'merged.ckpt')}`);
  lines.push(`SEED = ${recipe.seed}`);
  lines.push('');
  lines.push('reader = tf.train.load_checkpoint(OLD)');
  lines.push(opts.templatePath ? `template = tf.train.load_checkpoint(${py(opts.templatePath)})` : 'template = None');
  lines.push('tf.random.set_seed(SEED)');
  lines.push('');
  lines.push('INITIALIZERS = {');
  lines.push(...initializers);
  lines.push('}');
  lines.push(HELPERS);
  if (isRenamesOnly(plan)) {
    lines.push('# Renames only: the same mapping as an assignment map, for');
    lines.push('#   tf.compat.v1.train.init_from_checkpoint(OLD, ASSIGNMENT_MAP)');
    lines.push('# called after the new model\'s variables exist (TF1 graph, or a Keras model built in a tf.compat.v1 graph).');
    lines.push('ASSIGNMENT_MAP = {');
    for (const e of plan.entries) if (e.status === 'exact') lines.push(`    ${py(e.from[0]!)}: ${py(e.to.replace(/\/\.ATTRIBUTES\/VARIABLE_VALUE$/, '').replace(/:0$/, ''))},`);
    lines.push('}');
    lines.push('');
  }
  lines.push('');
  lines.push('def merged():');
  lines.push('    values = {}');
  for (const e of plan.entries) {
    const why = e.status === 'exact' ? '' : e.status === 'transformed' ? `  # ${e.transforms.map((t) => t.op).join(' → ')}` : `  # ${e.status}`;
    lines.push(`    values[${py(e.to)}] = ${entryExpression(e, e.fill ?? recipe.fill, e.from.map((n) => rankOf.get(n) ?? 0))}${why}`);
  }
  lines.push('    return values');
  lines.push('');
  lines.push('');
  lines.push('if __name__ == "__main__":');
  lines.push('    write_checkpoint(merged(), OUT)');
  lines.push('    print("wrote", OUT)');
  return lines.join('\n') + '\n';
}
