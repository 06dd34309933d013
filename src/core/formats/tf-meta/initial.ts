/**
 * A variable's initializer, recognised from the graph's initializer sub-graph as `tf.compat.v1` builds it:
 * `TruncatedNormal`/`RandomStandardNormal`/`RandomUniform` scaled and shifted by constants (`* stddev + mean`,
 * `* (max - min) + min`), constants (`Const`, `Fill`, `zeros`, `ones * 3`), the orthogonal initializer's `Qr`, and
 * the guard `ExponentialMovingAverage` puts around a variable's initial value. Each maps to the Keras initializer
 * that draws from the same distribution (glorot/he/lecun by their bounds for the variable's shape); anything else
 * is reported so the variable can start as zeros with a warning.
 */
import type { InitializerSpec } from '../../model/target-model';
import { computeFans } from '../../model/target/initializers';
import { parseInput, type GraphIndex } from './graph';
import type { NodeDefMsg } from './protos';
import { constantValue } from './tensor';

type Abstract =
  | { t: 'const'; splat?: number; values?: Float64Array }
  | { t: 'uniform'; lo: number; hi: number }
  | { t: 'normal' | 'truncated'; mean: number; std: number }
  | { t: 'orthogonal'; gain: number }
  | { t: 'sign' }
  | { t: 'unknown'; why: string };

const unknown = (why: string): Abstract => ({ t: 'unknown', why });

function scalar(a: Abstract): number | undefined {
  return a.t === 'const' && a.splat !== undefined ? a.splat : undefined;
}

/** `a * k + b` for a known value `a`. */
function affine(a: Abstract, k: number, b: number): Abstract {
  switch (a.t) {
    case 'const':
      return a.splat !== undefined ? { t: 'const', splat: a.splat * k + b } : a.values ? { t: 'const', values: a.values.map((v) => v * k + b) } : a;
    case 'uniform':
      return k >= 0 ? { t: 'uniform', lo: a.lo * k + b, hi: a.hi * k + b } : { t: 'uniform', lo: a.hi * k + b, hi: a.lo * k + b };
    case 'normal':
    case 'truncated':
      return { t: a.t, mean: a.mean * k + b, std: a.std * Math.abs(k) };
    case 'orthogonal':
      return b === 0 ? { t: 'orthogonal', gain: a.gain * k } : unknown('a shifted orthogonal matrix');
    default:
      return a;
  }
}

/** `a op b`, where one side is a constant scalar (or an orthogonal matrix times its signs). */
function binary(op: string, a: Abstract, b: Abstract): Abstract {
  if (a.t === 'unknown') return a;
  if (b.t === 'unknown') return b;
  const ka = scalar(a);
  const kb = scalar(b);
  if (op === 'Mul') {
    if (a.t === 'orthogonal' && b.t === 'sign') return a;
    if (b.t === 'orthogonal' && a.t === 'sign') return b;
    if (kb !== undefined) return affine(a, kb, 0);
    if (ka !== undefined) return affine(b, ka, 0);
  } else if (op === 'AddV2' || op === 'Add') {
    if (kb !== undefined) return affine(a, 1, kb);
    if (ka !== undefined) return affine(b, 1, ka);
  } else if (op === 'Sub') {
    if (kb !== undefined) return affine(a, 1, -kb);
    if (ka !== undefined) return affine(b, -1, ka);
  } else if (kb !== undefined && kb !== 0) {
    return affine(a, 1 / kb, 0);
  }
  return unknown(`${op} of two values that are not constants`);
}

/** One node being interpreted: its data inputs, and their values on demand. */
interface Step {
  node: NodeDefMsg;
  /** Which output of `node` is wanted. */
  output: number;
  data: string[];
  arg(i: number): Abstract;
  graph: GraphIndex;
  file: string;
}

/** What an op computes from its inputs; undefined where this use of it is not understood. */
type OpRule = (s: Step) => Abstract | undefined;

function constantRule({ node, file }: Step): Abstract {
  const tensorValue = node.attr.value?.tensor;
  const c = tensorValue ? constantValue(tensorValue, file, `constant "${node.name}"`) : null;
  if (!c || c.strings) return unknown(`constant "${node.name}" holds no numbers`);
  if (c.splat !== undefined) return { t: 'const', splat: c.splat };
  return c.values ? { t: 'const', values: c.values } : unknown(`constant "${node.name}" is too large to read`);
}

/** The orthogonal initializer: Q of the QR of a normal matrix; its other output feeds the sign correction. */
function qrRule({ output, arg }: Step): Abstract {
  if (output !== 0) return { t: 'sign' };
  const m = arg(0);
  return m.t === 'normal' && m.mean === 0 ? { t: 'orthogonal', gain: 1 } : unknown('Qr of something other than a normal matrix');
}

/** ExponentialMovingAverage's guard: If(IsVariableInitialized(v), v, initial value) starts from the initial value. */
function guardRule({ data, graph, arg }: Step): Abstract | undefined {
  if (data.length !== 3) return undefined;
  const cond = graph.node(parseInput(data[0]!)?.node ?? '');
  return cond?.op === 'IsVariableInitialized' || cond?.op === 'VarIsInitializedOp' ? arg(2) : undefined;
}

const ops = (names: string[], rule: OpRule) => names.map((n) => [n, rule] as const);

const OP_RULES = new Map<string, OpRule>([
  ['Const', constantRule],
  ...ops(['Identity', 'Snapshot', 'Reshape', 'Cast', 'StopGradient', 'ExpandDims', 'Squeeze'], ({ arg }) => arg(0)),
  ['Fill', ({ arg }) => {
    const v = scalar(arg(1));
    return v === undefined ? unknown('Fill with a value that is not a constant') : { t: 'const', splat: v };
  }],
  ['ZerosLike', () => ({ t: 'const', splat: 0 })],
  ['OnesLike', () => ({ t: 'const', splat: 1 })],
  ...ops(['RandomUniform', 'StatelessRandomUniform', 'StatelessRandomUniformV2'], () => ({ t: 'uniform', lo: 0, hi: 1 })),
  ...ops(['RandomStandardNormal', 'StatelessRandomNormal', 'StatelessRandomNormalV2'], () => ({ t: 'normal', mean: 0, std: 1 })),
  ...ops(['TruncatedNormal', 'StatelessTruncatedNormal', 'StatelessTruncatedNormalV2'], () => ({ t: 'truncated', mean: 0, std: 1 })),
  ['Qr', qrRule],
  ...ops(['Sign', 'DiagPart', 'MatrixDiagPartV3'], () => ({ t: 'sign' })),
  ...ops(['Transpose', 'MatrixTranspose'], ({ node, arg }) => {
    const m = arg(0);
    return m.t === 'orthogonal' ? m : unknown(`${node.op} in an initializer`);
  }),
  ['Neg', ({ arg }) => affine(arg(0), -1, 0)],
  ...ops(['Mul', 'AddV2', 'Add', 'Sub', 'RealDiv', 'Div'], ({ node, arg }) => binary(node.op, arg(0), arg(1))),
  ...ops(['If', 'StatelessIf'], guardRule),
]);

class Interpreter {
  private readonly seen = new Map<string, Abstract>();
  constructor(
    private readonly graph: GraphIndex,
    private readonly file: string,
  ) {}

  value(tensor: string, depth = 0): Abstract {
    const cached = this.seen.get(tensor);
    if (cached) return cached;
    const result = depth > 64 ? unknown('an initializer too deep to follow') : this.compute(tensor, depth);
    this.seen.set(tensor, result);
    return result;
  }

  private compute(tensor: string, depth: number): Abstract {
    const ref = parseInput(tensor);
    const node = ref ? this.graph.node(ref.node) : undefined;
    if (!ref || !node) return unknown(`${tensor} is not in the graph`);
    const data = node.input.filter((i) => !i.startsWith('^'));
    const arg = (i: number) => (data[i] === undefined ? unknown(`${node.op} without input ${i}`) : this.value(data[i]!, depth + 1));
    const step: Step = { node, output: ref.output, data, arg, graph: this.graph, file: this.file };
    return OP_RULES.get(node.op)?.(step) ?? unknown(`${node.op} ("${node.name}")`);
  }
}

/** Keras' named variance-scaling initializers, by the bound (uniform) or stddev (truncated normal) they give. */
const NAMED: { className: string; uniform: boolean; scale: number; mode: 'fan_in' | 'fan_avg' }[] = [
  { className: 'GlorotUniform', uniform: true, scale: 1, mode: 'fan_avg' },
  { className: 'HeUniform', uniform: true, scale: 2, mode: 'fan_in' },
  { className: 'LecunUniform', uniform: true, scale: 1, mode: 'fan_in' },
  { className: 'GlorotNormal', uniform: false, scale: 1, mode: 'fan_avg' },
  { className: 'HeNormal', uniform: false, scale: 2, mode: 'fan_in' },
  { className: 'LecunNormal', uniform: false, scale: 1, mode: 'fan_in' },
];

// The graph stores the bounds as float32: equal to float32 precision is the same initializer.
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));

function named(uniform: boolean, bound: number, shape: readonly number[]): string | undefined {
  const { fanIn, fanOut } = computeFans(shape);
  for (const n of NAMED) {
    if (n.uniform !== uniform) continue;
    const fan = Math.max(1, n.mode === 'fan_in' ? fanIn : (fanIn + fanOut) / 2);
    const want = uniform ? Math.sqrt((3 * n.scale) / fan) : Math.sqrt(n.scale / fan) / 0.87962566103423978;
    if (close(bound, want)) return n.className;
  }
  return undefined;
}

export type Recognised = { spec: InitializerSpec } | { why: string };

function toSpec(a: Abstract, shape: readonly number[], count: number): Recognised {
  const keras = (className: string, config: Record<string, unknown> = {}): Recognised => ({ spec: { kind: 'keras', className, config } });
  switch (a.t) {
    case 'const':
      if (a.splat !== undefined) return a.splat === 0 ? keras('Zeros') : a.splat === 1 ? keras('Ones') : keras('Constant', { value: a.splat });
      if (a.values && a.values.length === count) return keras('Constant', { value: Array.from(a.values) });
      return { why: 'a constant whose size differs from the variable' };
    case 'uniform': {
      const name = a.lo === -a.hi ? named(true, a.hi, shape) : undefined;
      return name ? keras(name, { seed: null }) : keras('RandomUniform', { minval: a.lo, maxval: a.hi, seed: null });
    }
    case 'normal':
      return keras('RandomNormal', { mean: a.mean, stddev: a.std, seed: null });
    case 'truncated': {
      const name = a.mean === 0 ? named(false, a.std, shape) : undefined;
      return name ? keras(name, { seed: null }) : keras('TruncatedNormal', { mean: a.mean, stddev: a.std, seed: null });
    }
    case 'orthogonal':
      return keras('Orthogonal', { gain: a.gain, seed: null });
    case 'sign':
      return { why: 'a sign computation' };
    case 'unknown':
      return { why: a.why };
  }
}

/**
 * The initializer of a variable of `shape` whose parts are initialised by the tensors `initialValues` (one per
 * part). The parts of a partitioned variable must agree (TF draws them from one distribution for the full shape).
 */
/**
 * One interpreter (and its cache) per graph, shared by all its variables: thousands of variables initialised from
 * one large subgraph would otherwise each walk it again.
 */
const interpreters = new WeakMap<GraphIndex, Interpreter>();

export function recogniseInitializer(graph: GraphIndex, file: string, initialValues: readonly (string | undefined)[], shape: readonly number[]): Recognised {
  let interpreter = interpreters.get(graph);
  if (!interpreter) interpreters.set(graph, (interpreter = new Interpreter(graph, file)));
  const count = shape.reduce((a, b) => a * b, 1);
  let found: Recognised | undefined;
  for (const tensor of initialValues) {
    if (!tensor) return { why: 'no initializer in the graph' };
    const a = interpreter.value(tensor);
    // A partitioned variable's parts each hold a part of a constant: only a splat is the whole variable's.
    const r = initialValues.length > 1 && a.t === 'const' && a.splat === undefined ? { why: 'a constant split over partitions' } : toSpec(a, shape, count);
    if (found && JSON.stringify(found) !== JSON.stringify(r)) return { why: 'partitions initialised differently' };
    found = r;
  }
  return found ?? { why: 'no initializer in the graph' };
}
