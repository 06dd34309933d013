/**
 * The transform chain a person would most likely want when an old variable's shape or dtype differs from the
 * new one's. Order of preference: a known layout permutation, squeeze/expand of size-1 axes, per-axis
 * pad/slice/resize for the same rank, reshape for the same number of values; a cast last.
 */
import { elementCount, type DType } from '../model/dtypes';
import { chainShapes, fmt, lossyCastNote, type Operand, type PadFill, type Transform } from './transforms';

export interface Proposal {
  transforms: Transform[];
  /** What the chain does, for the reason shown beside the link. */
  summary: string;
  notes: string[];
}

export interface ProposeTarget extends Operand {
  /** The new variable's name: tells an embedding or position table from a kernel. */
  name?: string;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

// Known layouts, as permutations from source axes to target axes: PyTorch ↔ TF.
const PERMUTATIONS: Record<number, { perm: number[]; label: string }[]> = {
  2: [{ perm: [1, 0], label: '[out,in] ↔ [in,out]' }],
  3: [{ perm: [2, 1, 0], label: 'conv1d [O,I,K] ↔ [K,I,O]' }],
  4: [
    { perm: [2, 3, 1, 0], label: 'conv OIHW → HWIO' },
    { perm: [3, 2, 0, 1], label: 'conv HWIO → OIHW' },
  ],
  5: [
    { perm: [2, 3, 4, 1, 0], label: 'conv3d OIDHW → DHWIO' },
    { perm: [4, 3, 0, 1, 2], label: 'conv3d DHWIO → OIDHW' },
  ],
};

function isPositionTable(name: string): boolean {
  return /pos(ition)?(al)?_?(embed|emb|enc)/i.test(name) || /position_embeddings|pos_embed|wpe/i.test(name);
}

function isEmbedding(name: string): boolean {
  return /embed|wte|vocab|token/i.test(name);
}

/** A PyTorch-style name (`layer1.0.conv1.weight`): its kernels are [out, in, spatial...]. */
function torchLayout(name: string): boolean {
  return !name.includes('/') && /\.(weight|bias)$/.test(name);
}

/** Axes of a kernel that are spatial (conv H, W, D), input channels, and output units, by rank (TF layout unless `torch`). */
function axisRole(rank: number, axis: number, torch = false): 'spatial' | 'in' | 'out' | 'other' {
  if (rank <= 1) return 'out';
  if (torch) return axis === 0 ? 'out' : axis === 1 ? 'in' : 'spatial';
  if (axis === rank - 1) return 'out';
  if (axis === rank - 2) return 'in';
  return rank >= 3 ? 'spatial' : 'other';
}

function padFill(target: ProposeTarget, rank: number, axis: number): PadFill {
  const name = target.name ?? '';
  if (rank >= 2 && axis === 0 && isEmbedding(name)) return 'mean';
  // New input channels start at zero so the layer computes what it did before; new units get fresh values.
  return axisRole(rank, axis, torchLayout(name)) === 'in' ? 'zeros' : 'initializer';
}

/** Per-axis steps from `src` to `dst` of the same rank, or null. */
function perAxis(src: number[], dst: number[], target: ProposeTarget): { steps: Transform[]; parts: string[] } | null {
  const rank = src.length;
  const name = target.name ?? '';
  const floating = ['float16', 'bfloat16', 'float32', 'float64'].includes(target.dtype);
  const steps: Transform[] = [];
  const parts: string[] = [];
  const changed = src.map((d, i) => (d !== dst[i] ? i : -1)).filter((i) => i >= 0);
  const spatial = changed.filter((a) => rank >= 3 && axisRole(rank, a, torchLayout(name)) === 'spatial');
  const positional = rank === 2 && changed.includes(0) && isPositionTable(name);
  if (floating && positional) {
    const shape = [...src];
    shape[0] = dst[0]!;
    steps.push({ op: 'resize', method: 'bilinear', shape });
    parts.push(`resize the position table ${src[0]} → ${dst[0]}`);
  } else if (floating && spatial.length > 0) {
    // A kernel that grew by an even amount on every spatial axis is zero-padded around its centre: with 'same'
    // padding the layer computes exactly what it did. Any other change is interpolated.
    const centred = spatial.every((a) => dst[a]! > src[a]! && (dst[a]! - src[a]!) % 2 === 0);
    if (!centred && spatial.length <= 2) {
      const shape = [...src];
      for (const a of spatial) shape[a] = dst[a]!;
      steps.push({ op: 'resize', method: 'bilinear', shape });
      parts.push(`resize the kernel ${spatial.map((a) => `${src[a]}→${dst[a]}`).join(', ')}`);
    } else if (centred) {
      for (const a of spatial) {
        const half = (dst[a]! - src[a]!) / 2;
        steps.push({ op: 'pad', axis: a, before: half, after: half, fill: 'zeros' });
      }
      parts.push(`zero-pad the kernel around its centre ${spatial.map((a) => `${src[a]}→${dst[a]}`).join(', ')}`);
    } else {
      return null;
    }
  }
  for (const a of changed) {
    if (steps.some((s) => (s.op === 'pad' && s.axis === a) || (s.op === 'resize' && s.shape[a] !== src[a]))) continue;
    const from = src[a]!;
    const to = dst[a]!;
    if (to > from) {
      const fill = padFill(target, rank, a);
      steps.push({ op: 'pad', axis: a, before: 0, after: to - from, fill });
      parts.push(`pad axis ${a} ${from}→${to} (${fill === 'initializer' ? "new entries from the initializer" : fill === 'zeros' ? 'new entries zero' : `new entries ${fill}`})`);
    } else {
      steps.push({ op: 'slice', axis: a, start: 0, size: to });
      parts.push(`keep the first ${to} of ${from} on axis ${a}`);
    }
  }
  return { steps, parts };
}

function squeezeSteps(shape: readonly number[]): Transform[] {
  const steps: Transform[] = [];
  let k = 0;
  for (const d of shape) {
    if (d === 1) steps.push({ op: 'squeeze', axis: k });
    else k++;
  }
  return steps;
}

function expandSteps(shape: readonly number[]): Transform[] {
  return shape.flatMap((d, i) => (d === 1 ? [{ op: 'expand', axis: i } as Transform] : []));
}

function shapeSteps(source: Operand, target: ProposeTarget): { steps: Transform[]; summary: string } | null {
  const src = source.shape;
  const dst = target.shape;
  if (sameShape(src, dst)) return { steps: [], summary: '' };
  for (const { perm, label } of PERMUTATIONS[src.length] ?? []) {
    if (sameShape(perm.map((p) => src[p]!), dst)) return { steps: [{ op: 'transpose', perm }], summary: `transpose, ${label}` };
  }
  // Depthwise: PyTorch [C·M,1,H,W] ↔ TF [H,W,C,M].
  if (src.length === 4 && dst.length === 4) {
    const [h, w, c, m] = dst as [number, number, number, number];
    if (src[1] === 1 && src[0] === c * m && src[2] === h && src[3] === w && m > 1) {
      return { steps: [{ op: 'reshape', shape: [c, m, h, w] }, { op: 'transpose', perm: [2, 3, 0, 1] }], summary: 'depthwise [C·M,1,H,W] → [H,W,C,M]' };
    }
    const [h2, w2, c2, m2] = src as [number, number, number, number];
    if (dst[1] === 1 && dst[0] === c2 * m2 && dst[2] === h2 && dst[3] === w2 && m2 > 1) {
      return { steps: [{ op: 'transpose', perm: [2, 3, 0, 1] }, { op: 'reshape', shape: [dst[0]!, 1, h2, w2] }], summary: 'depthwise [H,W,C,M] → [C·M,1,H,W]' };
    }
  }
  const core = (s: readonly number[]) => s.filter((d) => d !== 1);
  if (src.length !== dst.length && sameShape(core(src), core(dst))) {
    return { steps: [...squeezeSteps(src), ...expandSteps(dst)], summary: `size-1 axes ${fmt(src)} → ${fmt(dst)}` };
  }
  if (src.length === dst.length) {
    if (elementCount(src) === elementCount(dst) && src.some((d, i) => d < dst[i]!) && src.some((d, i) => d > dst[i]!)) {
      return { steps: [{ op: 'reshape', shape: [...dst] }], summary: `reshape ${fmt(src)} → ${fmt(dst)} (same number of values)` };
    }
    const r = perAxis([...src], [...dst], target);
    return r ? { steps: r.steps, summary: r.parts.join('; ') } : null;
  }
  if (elementCount(src) === elementCount(dst)) return { steps: [{ op: 'reshape', shape: [...dst] }], summary: `reshape ${fmt(src)} → ${fmt(dst)} (same number of values)` };
  // Different rank and size: line the non-1 axes up, then per axis (a 1×1 conv kernel onto a wider dense kernel).
  const a = core(src);
  const b = core(dst);
  if (a.length === b.length && a.length > 0) {
    const r = perAxis(a, b, { ...target, shape: b });
    if (r) return { steps: [...squeezeSteps(src), ...r.steps, ...expandSteps(dst)], summary: r.parts.join('; ') };
  }
  return null;
}

/**
 * The most likely chain from `sources` to `target`, checked with `chainShapes`; null when no chain a person
 * would want exists (different ranks and sizes that do not line up, strings onto numbers...).
 */
export function proposeTransforms(sources: readonly Operand[], target: ProposeTarget): Proposal | null {
  if (sources.length !== 1) return null;
  const source = sources[0]!;
  if ((source.dtype === 'string') !== (target.dtype === 'string')) return null;
  if (source.dtype === 'string') return sameShape(source.shape, target.shape) ? { transforms: [], summary: '', notes: [] } : null;
  const shaped = shapeSteps(source, target);
  if (!shaped) return null;
  const transforms = [...shaped.steps];
  const notes: string[] = [];
  let summary = shaped.summary;
  if (source.dtype !== target.dtype) {
    transforms.push({ op: 'cast', dtype: target.dtype as DType });
    const note = lossyCastNote(source.dtype, target.dtype);
    if (note) notes.push(note);
    summary = [summary, `cast ${source.dtype} → ${target.dtype}${note ? ` (${note})` : ''}`].filter(Boolean).join('; ');
  }
  const check = chainShapes(transforms, [source]);
  if (!check.ok || !sameShape(check.out.shape, target.shape) || check.out.dtype !== target.dtype) return null;
  return { transforms, summary, notes };
}
