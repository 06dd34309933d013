/**
 * How a Keras layer's variables become its PyTorch twin's and back, as transform chains per slot:
 *   Dense kernel [in,out] ↔ Linear weight [out,in]; Conv kernel [k..,in,out] ↔ [out,in,k..] (HWIO ↔ OIHW);
 *   DepthwiseConv [k..,in,m] ↔ Conv(groups=in) [in·m,1,k..] (output channel c·m + j in both);
 *   BatchNormalization gamma/beta/moving_mean/moving_variance ↔ weight/bias/running_mean/running_var;
 *   LayerNormalization gamma/beta ↔ weight/bias; Embedding embeddings ↔ weight (same layout);
 *   LSTM / GRU / SimpleRNN kernel [in,G·u] + recurrent_kernel [u,G·u] + bias ↔ weight_ih [G·u,in] + weight_hh
 *   [G·u,u] + bias_ih + bias_hh. LSTM gates are i,f,c,o in Keras and i,f,g,o in torch: the same order. GRU gates
 *   are z,r,h in Keras and r,z,n in torch, and torch's GRU is Keras' reset_after=True, whose bias [2,3u] holds the
 *   input and the recurrent bias; a reset_after=False GRU has no torch twin. Keras' one LSTM/RNN bias goes to
 *   bias_ih with bias_hh zero (the cell adds them); back, the bias is their sum.
 */
import type { DType } from '../../model/dtypes';
import type { Transform } from '../transforms';

export interface UnitVar {
  name: string;
  shape: number[];
  dtype: DType;
}

/** A layer: its variables by slot (Keras: kernel, bias, gamma…; torch: weight, bias, running_mean, weight_ih…). */
export interface Unit {
  id: string;
  slots: Map<string, UnitVar>;
}

/** One link of a layer pair, by slot names: the sources, the target, the chain and what it does. */
export interface Move {
  from: string[];
  to: string;
  transforms: Transform[];
  note: string;
}

export type KerasKind = 'dense' | 'conv' | 'depthwise' | 'batchnorm' | 'norm' | 'embedding' | 'recurrent' | 'attention' | 'projection';

export const KIND_LABEL: Record<KerasKind, string> = {
  dense: 'Dense', conv: 'Conv', depthwise: 'DepthwiseConv', batchnorm: 'BatchNormalization', norm: 'LayerNormalization',
  embedding: 'Embedding', recurrent: 'recurrent layer', attention: 'MultiHeadAttention', projection: 'MultiHeadAttention output',
};

export function kerasKind(u: Unit): KerasKind | undefined {
  const s = u.slots;
  if (s.has('query_kernel')) return 'attention';
  if (s.has('embeddings')) return 'embedding';
  if (s.has('depthwise_kernel')) return 'depthwise';
  if (s.has('recurrent_kernel')) return 'recurrent';
  if (s.has('moving_mean') || s.has('moving_variance')) return 'batchnorm';
  if (s.has('gamma') || s.has('beta')) return 'norm';
  const k = s.get('kernel');
  if (!k) return undefined;
  if (k.shape.length === 3 && /(^|\/)(attention_output|output_dense)$/.test(u.id)) return 'projection';
  return k.shape.length === 2 ? 'dense' : k.shape.length >= 3 ? 'conv' : undefined;
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
const same = (to: string, from: string, note = 'same layout'): Move => ({ from: [from], to, transforms: [], note });
const pairOf = (a: Move[], b: Move[]) => ({ toTorch: a, toKeras: b });

type Moves = { toTorch: Move[]; toKeras: Move[] };

function renamed(pairs: [string, string][]): Moves {
  return pairOf(pairs.map(([k, t]) => same(t, k, `${k} → ${t}`)), pairs.map(([k, t]) => same(k, t, `${t} → ${k}`)));
}

function dense(): Moves {
  const t: Transform[] = [{ op: 'transpose', perm: [1, 0] }];
  return pairOf(
    [{ from: ['kernel'], to: 'weight', transforms: t, note: 'kernel [in,out] → weight [out,in]: transpose' }, same('bias', 'bias')],
    [{ from: ['weight'], to: 'kernel', transforms: t, note: 'weight [out,in] → kernel [in,out]: transpose' }, same('bias', 'bias')],
  );
}

function conv(rank: number): Moves {
  const toTorch = [rank - 1, rank - 2, ...range(0, rank - 2)];
  const toKeras = [...range(2, rank), 1, 0];
  return pairOf(
    [{ from: ['kernel'], to: 'weight', transforms: [{ op: 'transpose', perm: toTorch }], note: 'kernel [k..,in,out] → weight [out,in,k..] (HWIO → OIHW): transpose' }, same('bias', 'bias')],
    [{ from: ['weight'], to: 'kernel', transforms: [{ op: 'transpose', perm: toKeras }], note: 'weight [out,in,k..] → kernel [k..,in,out] (OIHW → HWIO): transpose' }, same('bias', 'bias')],
  );
}

function depthwise(kernel: number[]): Moves {
  const spatial = kernel.slice(0, -2);
  const s = spatial.length;
  const [channels, mult] = kernel.slice(-2) as [number, number];
  return pairOf(
    [{
      from: ['depthwise_kernel'], to: 'weight', note: 'depthwise_kernel [k..,in,mult] → weight [in·mult,1,k..]: reshape, transpose',
      transforms: [{ op: 'reshape', shape: [...spatial, channels * mult, 1] }, { op: 'transpose', perm: [s, s + 1, ...range(0, s)] }],
    }, same('bias', 'bias')],
    [{
      from: ['weight'], to: 'depthwise_kernel', note: 'weight [in·mult,1,k..] → depthwise_kernel [k..,in,mult]: transpose, reshape',
      transforms: [{ op: 'transpose', perm: [...range(2, s + 2), 0, 1] }, { op: 'reshape', shape: kernel }],
    }, same('bias', 'bias')],
  );
}

function recurrent(keras: Unit): Moves | null {
  const kernel = keras.slots.get('kernel')?.shape;
  const rk = keras.slots.get('recurrent_kernel')?.shape;
  const bias = keras.slots.get('bias')?.shape;
  if (kernel?.length !== 2 || rk?.length !== 2 || rk[0] === 0 || kernel[1]! % rk[0]! !== 0) return null;
  const gates = kernel[1]! / rk[0]!;
  const width = kernel[1]!;
  // Keras GRU z,r,h ↔ torch r,z,n: the first two gates swap, and the swap is its own inverse.
  const reorder = (axis: number): Transform[] => (gates === 3 ? [{ op: 'reorder', axis, order: [1, 0, 2] }] : []);
  const gateNote = gates === 3 ? ', gates z,r,h ↔ r,z,n' : '';
  if (gates === 3 && bias && bias.length !== 2) return null; // reset_after=False: torch's GRU computes something else
  const t: Transform[] = [{ op: 'transpose', perm: [1, 0] }];
  const toTorch: Move[] = [
    { from: ['kernel'], to: 'weight_ih', transforms: [...t, ...reorder(0)], note: `kernel [in,${width}] → weight_ih [${width},in]: transpose${gateNote}` },
    { from: ['recurrent_kernel'], to: 'weight_hh', transforms: [...t, ...reorder(0)], note: `recurrent_kernel → weight_hh: transpose${gateNote}` },
  ];
  const toKeras: Move[] = [
    { from: ['weight_ih'], to: 'kernel', transforms: [...t, ...reorder(1)], note: `weight_ih [${width},in] → kernel [in,${width}]: transpose${gateNote}` },
    { from: ['weight_hh'], to: 'recurrent_kernel', transforms: [...t, ...reorder(1)], note: `weight_hh → recurrent_kernel: transpose${gateNote}` },
  ];
  if (bias?.length === 2) {
    const piece = (index: number): Transform[] => [{ op: 'split', axis: 0, sizes: [1, 1], index }, { op: 'squeeze', axis: 0 }, ...reorder(0)];
    toTorch.push({ from: ['bias'], to: 'bias_ih', transforms: piece(0), note: `bias[0] (input bias) → bias_ih${gateNote}` });
    toTorch.push({ from: ['bias'], to: 'bias_hh', transforms: piece(1), note: `bias[1] (recurrent bias) → bias_hh${gateNote}` });
    toKeras.push({ from: ['bias_ih', 'bias_hh'], to: 'bias', transforms: [{ op: 'stack', axis: 0 }, ...reorder(1)], note: `[bias_ih, bias_hh] → bias [2,${width}]: stack${gateNote}` });
  } else {
    toTorch.push({ from: ['bias'], to: 'bias_ih', transforms: [], note: 'bias → bias_ih' });
    // Zeros of bias_hh's shape: the cell adds both biases, so their sum stays Keras' one bias.
    toTorch.push({ from: ['bias'], to: 'bias_hh', transforms: [{ op: 'slice', axis: 0, start: 0, size: 0 }, { op: 'pad', axis: 0, before: 0, after: width, fill: 'zeros' }], note: 'bias_hh = zeros (the cell adds bias_ih + bias_hh; Keras has one bias)' });
    toKeras.push({ from: ['bias_ih', 'bias_hh'], to: 'bias', transforms: [{ op: 'sum' }], note: 'bias = bias_ih + bias_hh (Keras has one bias)' });
  }
  return { toTorch, toKeras };
}

/**
 * Keras' query/key/value kernels [d,heads,head] ↔ nn.MultiheadAttention's in_proj_weight [3e,d] (rows: q, k, v; within
 * each, head-major as torch splits them into heads): concatenated along the heads, flattened, transposed; and back.
 */
function attention(keras: Unit): Moves | null {
  const q = keras.slots.get('query_kernel')?.shape;
  if (q?.length !== 3) return null;
  const [d, heads, head] = q as [number, number, number];
  const e = heads * head;
  const parts = ['query', 'key', 'value'];
  const toTorch: Move[] = [
    {
      from: parts.map((p) => `${p}_kernel`), to: 'in_proj_weight', note: 'query/key/value kernels [d,heads,head] → in_proj_weight [3·heads·head,d]: concat, reshape, transpose',
      transforms: [{ op: 'concat', axis: 1 }, { op: 'reshape', shape: [d, 3 * e] }, { op: 'transpose', perm: [1, 0] }],
    },
    { from: parts.map((p) => `${p}_bias`), to: 'in_proj_bias', transforms: [{ op: 'concat', axis: 0 }, { op: 'reshape', shape: [3 * e] }], note: 'query/key/value biases → in_proj_bias: concat, reshape' },
  ];
  const toKeras: Move[] = parts.flatMap((p, index) => [
    {
      from: ['in_proj_weight'], to: `${p}_kernel`, note: `in_proj_weight rows ${index * e}..${(index + 1) * e} → ${p} kernel [d,heads,head]: split, transpose, reshape`,
      transforms: [{ op: 'split', axis: 0, sizes: [e, e, e], index }, { op: 'transpose', perm: [1, 0] }, { op: 'reshape', shape: [d, heads, head] }],
    },
    { from: ['in_proj_bias'], to: `${p}_bias`, transforms: [{ op: 'split', axis: 0, sizes: [e, e, e], index }, { op: 'reshape', shape: [heads, head] }], note: `in_proj_bias → ${p} bias: split, reshape` },
  ] satisfies Move[]);
  return { toTorch, toKeras };
}

/** The attention output kernel [heads,head,d] ↔ out_proj.weight [d,heads·head]. */
function projection(kernel: number[]): Moves {
  const [heads, head, d] = kernel as [number, number, number];
  return pairOf(
    [{ from: ['kernel'], to: 'weight', transforms: [{ op: 'reshape', shape: [heads * head, d] }, { op: 'transpose', perm: [1, 0] }], note: 'kernel [heads,head,d] → weight [d,heads·head]: reshape, transpose' }, same('bias', 'bias')],
    [{ from: ['weight'], to: 'kernel', transforms: [{ op: 'transpose', perm: [1, 0] }, { op: 'reshape', shape: kernel }], note: 'weight [d,heads·head] → kernel [heads,head,d]: transpose, reshape' }, same('bias', 'bias')],
  );
}

/** The links of a Keras layer of `kind` and a torch layer, both ways; null when the pair cannot be twins. */
export function movesFor(kind: KerasKind, keras: Unit): Moves | null {
  switch (kind) {
    case 'dense': return dense();
    case 'conv': return conv(keras.slots.get('kernel')!.shape.length);
    case 'depthwise': return depthwise(keras.slots.get('depthwise_kernel')!.shape);
    case 'embedding': return renamed([['embeddings', 'weight']]);
    case 'norm': return renamed([['gamma', 'weight'], ['beta', 'bias']]);
    case 'batchnorm': return renamed([['gamma', 'weight'], ['beta', 'bias'], ['moving_mean', 'running_mean'], ['moving_variance', 'running_var']]);
    case 'recurrent': return recurrent(keras);
    case 'attention': return attention(keras);
    case 'projection': return projection(keras.slots.get('kernel')!.shape);
  }
}
