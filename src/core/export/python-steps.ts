/**
 * Each plan entry as one Python expression over the script's helpers, step for step as the engine runs it
 * (engine/chain.ts, execute.ts): data movement in NumPy, casts, mean fills and resizes through the helpers that
 * repeat Graft's arithmetic, default values from the template or Graft's seeded initializers.
 */
import type { PlanEntry, Transform } from '../mapping';
import type { TargetVariable } from '../model/target-model';
import { pyStr, pyTuple } from './python-literal';

/** What an entry's expression needs from the script beyond NumPy. */
export interface Needs {
  /** The seeded generator and the Keras initializers (a default value drawn, not read). */
  random: boolean;
  mean: boolean;
  resize: boolean;
  /** The growth steps' helpers (net2wider, divide_replicated, identity, constant). */
  grow: boolean;
  /** Variables whose default value or initializer the script must know. */
  defaults: Set<string>;
}

export const noNeeds = (): Needs => ({ random: false, mean: false, resize: false, grow: false, defaults: new Set() });

/** Python index expression selecting `start:start+size` on `axis`. */
function sliceExpr(axis: number, start: number, size: number): string {
  return `[${[...Array<string>(axis).fill(':'), `${start}:${start + size}`].join(', ')}]`;
}

function padWidths(rank: number, axis: number, before: number, after: number): string {
  return `[${Array.from({ length: rank }, (_, i) => (i === axis ? `(${before}, ${after})` : '(0, 0)')).join(', ')}]`;
}

const INVERTIBLE = new Set<Transform['op']>(['reshape', 'transpose', 'squeeze', 'expand']);

/**
 * The fill of an `initializer` pad at `stepIndex`, as chain.ts `initializerFill` makes it: the variable's own
 * default value walked back through the transposes after the pad, or, where that cannot be done, its initializer
 * drawn for the pad's shape.
 */
function initializerFill(entry: PlanEntry, stepIndex: number, variable: TargetVariable | undefined, needs: Needs): string {
  const step = entry.steps[stepIndex]!;
  needs.defaults.add(entry.to);
  if (step.dtype === entry.dtype && entry.transforms.slice(stepIndex + 1).every((t) => INVERTIBLE.has(t.op))) {
    if (variable?.initializer.kind === 'keras') needs.random = true;
    let expr = `default(template, ${pyStr(entry.to)})`;
    for (let i = entry.transforms.length - 1; i > stepIndex; i--) {
      const t = entry.transforms[i]!;
      if (t.op !== 'transpose') continue;
      const inverse = new Array<number>(t.perm.length);
      t.perm.forEach((p, k) => (inverse[p] = k));
      expr = `np.transpose(${expr}.reshape(${pyTuple(entry.steps[i]!.shape)}), ${pyTuple(inverse)})`;
    }
    return `${expr}.reshape(${pyTuple(step.shape)})`;
  }
  if (!variable || variable.initializer.kind === 'template') {
    return `refuse(${pyStr(`${entry.to}: the pad at step ${stepIndex + 1} fills from the template's value, but the steps after it change its shape`)})`;
  }
  needs.random = true;
  return `fresh(${pyStr(entry.to)}, ${pyStr(step.dtype)}, ${pyTuple(step.shape)})`;
}

/** The NumPy expression for step `stepIndex` applied to `x` (`inputs`: every source, for a first concat or stack). */
export function numpyStep(entry: PlanEntry, stepIndex: number, x: string, inputs: readonly string[], rank: number, variable: TargetVariable | undefined, needs: Needs): string {
  const t = entry.transforms[stepIndex]!;
  // After the first step the chain carries one value: a later concat or stack joins just that one, as the engine does.
  const joined = `[${(stepIndex === 0 ? inputs : [x]).join(', ')}]`;
  switch (t.op) {
    case 'reshape': return `${x}.reshape(${pyTuple(t.shape)})`;
    case 'transpose': return `np.transpose(${x}, ${pyTuple(t.perm)})`;
    case 'squeeze': return `np.squeeze(${x}, axis=${t.axis})`;
    case 'expand': return `np.expand_dims(${x}, axis=${t.axis})`;
    case 'slice': return `${x}${sliceExpr(t.axis, t.start, t.size)}`;
    case 'split': return `${x}${sliceExpr(t.axis, t.sizes.slice(0, t.index).reduce((a, b) => a + b, 0), t.sizes[t.index]!)}`;
    case 'concat': return `np.concatenate(${joined}, axis=${t.axis})`;
    case 'stack': return `np.stack(${joined}, axis=${t.axis})`;
    case 'sum': return `(${(stepIndex === 0 ? inputs : [x]).join(' + ')})`;
    case 'reorder': return `np.concatenate([np.split(${x}, ${t.order.length}, axis=${t.axis})[b] for b in ${pyTuple(t.order)}], axis=${t.axis})`;
    case 'cast': return `cast(${x}, ${pyStr(t.dtype)})`;
    case 'resize':
      needs.resize = true;
      return `resize(${x}, ${pyTuple(t.shape)}, ${pyStr(t.method)})`;
    case 'net2wider':
      needs.grow = true;
      if (t.noise) needs.random = true;
      return `net2wider(${x}, ${t.axis}, ${pyTuple(t.mapping)}, ${t.noise ?? 0}, ${pyStr(entry.to)})`;
    case 'divide-replicated':
      needs.grow = true;
      return `divide_replicated(${x}, ${t.axis}, ${pyTuple(t.mapping)})`;
    case 'identity':
      needs.grow = true;
      return `identity(${pyTuple(t.shape)}, ${pyStr(t.dtype)})`;
    case 'constant':
      needs.grow = true;
      return `constant(${pyTuple(t.shape)}, ${pyStr(t.dtype)}, ${t.value})`;
    case 'pad':
      switch (t.fill) {
        case 'zeros': return `np.pad(${x}, ${padWidths(rank, t.axis, t.before, t.after)}, mode="constant")`;
        case 'copy': return `pad_wrap(${x}, ${t.axis}, ${t.before}, ${t.after})`;
        case 'mean':
          needs.mean = true;
          return `pad_mean(${x}, ${t.axis}, ${t.before}, ${t.after})`;
        case 'initializer': return `pad_with(${x}, ${t.axis}, ${t.before}, ${initializerFill(entry, stepIndex, variable, needs)})`;
      }
  }
}

/**
 * The right-hand side computing a plan entry's value. Initialised entries (and incompatible ones, which an export
 * runs only when told to initialise them) get their default value; `zeros` fills give zeros.
 */
export function entryExpression(entry: PlanEntry, variable: TargetVariable | undefined, sourceRanks: readonly number[], needs: Needs): string {
  if (entry.status === 'initialised' || entry.status === 'incompatible') {
    const fill = entry.status === 'initialised' ? (entry.fill ?? 'initializer') : 'initializer';
    if (fill === 'zeros') return `zeros(${pyStr(entry.dtype)}, ${pyTuple(entry.shape)})`;
    needs.defaults.add(entry.to);
    if (variable?.initializer.kind === 'keras') needs.random = true;
    return `default(template, ${pyStr(entry.to)})`;
  }
  const inputs = entry.from.map((n) => `old.get(${pyStr(n)})`);
  let expr = inputs[0]!;
  let rank = sourceRanks[0] ?? 0;
  entry.transforms.forEach((_, i) => {
    expr = numpyStep(entry, i, expr, inputs, rank, variable, needs);
    rank = entry.steps[i]!.shape.length;
  });
  return expr;
}
