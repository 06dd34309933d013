/**
 * Links across ecosystems: one side PyTorch-shaped (`fc.weight`, `bn.running_mean`, `lstm.weight_ih_l0`), the other
 * TF/Keras-shaped (`dense/kernel`, `batch_normalization/moving_mean`, `lstm/recurrent_kernel`). Names differ entirely,
 * so layers are paired by kind and by the shapes the layout conversion must produce, in model order; each layer pair
 * gives its links with the conversion as transforms (layouts.ts).
 */
import type { TensorInfo } from '../../model/checkpoint';
import type { TargetVariable } from '../../model/target-model';
import { CONFIDENCES, type Confidence, type Link, type Recipe } from '../recipe';
import { chainShapes } from '../transforms';
import { KIND_LABEL, kerasKind, movesFor, type Move, type Unit } from './layouts';
import { naturalCompare, viewOf } from './names';

export type Ecosystem = 'torch' | 'keras';

const TORCH_ATTR = /^(weight|bias|running_mean|running_var)$/;
const TORCH_RECURRENT = /^(weight|bias)_(ih|hh)_l(\d+)(_reverse)?$/;
const TORCH_FUSED = /^in_proj_(weight|bias)$/;
// Keras MultiHeadAttention's projections: `mha/query` in a model JSON, `multi_head_attention/query_dense` in .weights.h5.
const KERAS_QKV = /^(.*)\/(query|key|value)(_dense)?$/;
const KERAS_SLOTS = new Set(['kernel', 'bias', 'gamma', 'beta', 'moving_mean', 'moving_variance', 'embeddings', 'recurrent_kernel', 'depthwise_kernel']);

interface Named {
  name: string;
  shape: number[];
  dtype: TensorInfo['dtype'];
  kind: TensorInfo['kind'];
}

/** `fc.weight` → module `fc`, slot `weight`; `lstm.weight_ih_l1` → module `lstm.l1`, slot `weight_ih`; else null. */
function torchSlot(name: string): { module: string; slot: string } | null {
  if (name.includes('/')) return null;
  const at = name.lastIndexOf('.');
  const module = name.slice(0, Math.max(at, 0));
  const attr = name.slice(at + 1);
  // nn.MultiheadAttention's fused projection: also at the top level, as a bare nn.MultiheadAttention saves it.
  if (TORCH_FUSED.test(attr)) return { module, slot: attr };
  if (at <= 0) return null;
  const rec = TORCH_RECURRENT.exec(attr);
  if (rec) return { module: `${module}.l${rec[3]}${rec[4] ?? ''}`, slot: `${rec[1]}_${rec[2]}` };
  return TORCH_ATTR.test(attr) ? { module, slot: attr } : null;
}

/** Which ecosystem a side's weights are spelled in, when nearly all of them say the same. */
export function ecosystemOf(vars: readonly Named[]): Ecosystem | undefined {
  const weights = vars.filter((v) => v.kind === 'weight');
  if (weights.length === 0) return undefined;
  let torch = 0;
  for (let i = 0; i < weights.length; i++) if (torchSlot(weights[i]!.name)) torch++;
  // The Keras count only where the PyTorch one does not decide (the two never count the same variable).
  if (torch >= 0.8 * weights.length) return 'torch';
  const keras = weights.filter((v, i) => !torchSlot(v.name) && v.name.includes('/') && kerasSlot(v, i, false)).length;
  if (keras >= 0.8 * weights.length) return 'keras';
  return undefined;
}

const ordinalText = (n: number) => `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`;

function comparePosition(a: number[] | undefined, b: number[] | undefined): number {
  const x = a ?? [];
  const y = b ?? [];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

// Keras 3 `.weights.h5` keeps a MultiHeadAttention's projections as sublayers: `layers/mha/query_dense/vars/0`.
const KERAS3_SUBLAYER = /^(?:.*\/)?layers\/(.+\/(?:query|key|value|output)_dense)\/vars\/([01])$/;

/** A Keras variable's layer (its own scope: query, key and value are layers of their own here) and slot. */
function kerasSlot(v: Named, i: number, ordered: boolean): { id: string; slot: string; position?: number[] } | null {
  const sub = KERAS3_SUBLAYER.exec(v.name);
  if (sub) return { id: sub[1]!, slot: sub[2] === '0' ? 'kernel' : 'bias' };
  const view = viewOf(v as TensorInfo, i, ordered ? { ordinal: i } : {});
  if (!KERAS_SLOTS.has(view.slot)) return null;
  const id = view.readable.includes('/') ? view.readable.slice(0, view.readable.lastIndexOf('/')) : view.layer;
  return { id, slot: view.slot, ...(view.position ? { position: view.position } : {}) };
}

/** A side's layers in model order: creation order where known (a model JSON), else natural name order. */
function unitsOf(vars: readonly Named[], eco: Ecosystem, skip: ReadonlySet<string>, ordered: boolean): Unit[] {
  const units = new Map<string, Unit & { position?: number[] }>();
  vars.forEach((v, i) => {
    if (v.kind !== 'weight' || skip.has(v.name)) return;
    let id: string;
    let slot: string;
    let position: number[] | undefined;
    if (eco === 'torch') {
      const t = torchSlot(v.name);
      if (!t) return;
      ({ module: id, slot } = t);
    } else {
      const k = kerasSlot(v, i, ordered);
      if (!k) return;
      ({ id, slot, position } = k);
    }
    const unit = units.get(id) ?? { id, slots: new Map(), ...(position ? { position } : {}) };
    if (unit.slots.has(slot)) return; // two variables claim one slot: not a layer this stage understands
    unit.slots.set(slot, { name: v.name, shape: v.shape, dtype: v.dtype });
    units.set(id, unit);
  });
  const list = eco === 'keras' ? fuseAttention([...units.values()]) : [...units.values()];
  const byPosition = list.every((u) => u.position);
  return list.sort((a, b) => (byPosition ? comparePosition(a.position, b.position) : 0) || naturalCompare(a.id, b.id));
}

/** A Keras MultiHeadAttention's query, key and value layers as one layer (slots `query_kernel`…), as torch keeps them. */
function fuseAttention<U extends Unit & { position?: number[] }>(units: U[]): U[] {
  const parts = new Map<string, U[]>();
  for (const u of units) {
    const m = KERAS_QKV.exec(u.id);
    const list = m ? parts.get(m[1]!) : undefined;
    if (list) list.push(u);
    else if (m) parts.set(m[1]!, [u]);
  }
  const fused = new Set<U>();
  const out: U[] = [];
  for (const u of units) {
    const parent = KERAS_QKV.exec(u.id)?.[1];
    const group = parent === undefined ? undefined : parts.get(parent);
    if (!group || group.length !== 3 || new Set(group.map((g) => KERAS_QKV.exec(g.id)![2])).size !== 3) {
      out.push(u);
      continue;
    }
    if (fused.has(group[0]!)) continue;
    group.forEach((g) => fused.add(g));
    const slots = new Map(group.flatMap((g) => [...g.slots].map(([slot, v]) => [`${KERAS_QKV.exec(g.id)![2]}_${slot}`, v] as const)));
    out.push({ ...u, id: parent!, slots });
  }
  return out;
}

/** The moves of a layer pair with the variables' names, if every variable of both layers takes part and fits. */
function fit(keras: Unit, torch: Unit, toTorch: boolean): Move[] | null {
  const kind = kerasKind(keras);
  if (!kind) return null;
  // A Bidirectional's two halves have one shape: only the direction tells torch's `_reverse` layer from the forward one.
  const direction = /(^|\/)(forward|backward)_/.exec(keras.id)?.[2];
  if (direction && (direction === 'backward') !== torch.id.endsWith('_reverse')) return null;
  const all = movesFor(kind, keras);
  if (!all) return null;
  const [src, dst] = toTorch ? [keras, torch] : [torch, keras];
  const moves = (toTorch ? all.toTorch : all.toKeras).filter((m) => dst.slots.has(m.to) && m.from.every((f) => src.slots.has(f)));
  const used = new Set(moves.flatMap((m) => [...m.from, m.to]));
  if (moves.length === 0 || [...src.slots.keys(), ...dst.slots.keys()].some((s) => !used.has(s))) return null;
  for (const m of moves) {
    const target = dst.slots.get(m.to)!;
    const chain = chainShapes(m.transforms, m.from.map((f) => src.slots.get(f)!));
    if (!chain.ok || chain.out.dtype !== target.dtype || chain.out.shape.length !== target.shape.length || chain.out.shape.some((d, i) => d !== target.shape[i])) return null;
  }
  return moves;
}

interface LayerPair {
  keras: Unit;
  torch: Unit;
  moves: Move[];
  how: string;
}

/** Layer pairs: first those only one layer of the other side fits, then the rest in model order. */
function pairLayers(kerasUnits: Unit[], torchUnits: Unit[], toTorch: boolean): LayerPair[] {
  const fits = kerasUnits.map((k) => torchUnits.map((t) => fit(k, t, toTorch)));
  const pairs: LayerPair[] = [];
  const usedK = new Set<number>();
  const usedT = new Set<number>();
  const take = (i: number, j: number, how: string) => {
    usedK.add(i);
    usedT.add(j);
    pairs.push({ keras: kerasUnits[i]!, torch: torchUnits[j]!, moves: fits[i]![j]!, how });
  };
  fits.forEach((row, i) => {
    const js = row.flatMap((m, j) => (m ? [j] : []));
    if (js.length === 1 && fits.filter((r) => r[js[0]!]).length === 1) take(i, js[0]!, 'the only layer of its kind and shapes on both sides');
  });
  fits.forEach((row, i) => {
    if (usedK.has(i)) return;
    const j = row.findIndex((m, j) => m && !usedT.has(j));
    if (j >= 0) take(i, j, `${ordinalText(i + 1)} ↔ ${ordinalText(j + 1)} layer with weights, in model order`);
  });
  return pairs;
}

/**
 * Links between a PyTorch-shaped and a TF/Keras-shaped side (either way round), for the new variables the recipe
 * does not link yet; none when both sides are spelled alike.
 */
export function linksAcrossEcosystems(olds: readonly TensorInfo[], news: readonly TargetVariable[], recipe: Recipe, accept: Confidence, newOrdered: boolean): Link[] {
  const oldEco = ecosystemOf(olds);
  const newEco = ecosystemOf(news);
  if (!oldEco || !newEco || oldEco === newEco) return [];
  const fixed = new Set(recipe.links.map((l) => l.to));
  const taken = new Set(recipe.links.filter((l) => l.accepted !== false).flatMap((l) => l.from));
  const oldUnits = unitsOf(olds, oldEco, taken, false);
  const newUnits = unitsOf(news, newEco, fixed, newOrdered);
  const toTorch = newEco === 'torch';
  const pairs = toTorch ? pairLayers(oldUnits, newUnits, true) : pairLayers(newUnits, oldUnits, false);
  const links: Link[] = [];
  for (const p of pairs) {
    const [src, dst] = toTorch ? [p.keras, p.torch] : [p.torch, p.keras];
    const module = p.torch.id.replace(/\.l(\d+)(_reverse)?$/, '');
    const layer = `Keras ${KIND_LABEL[kerasKind(p.keras)!]} \`${p.keras.id}\` ↔ torch ${module ? `\`${module}\`` : 'top-level module'} (${p.how})`;
    // As the name stage rates them: a copy between layers of the same name is sure, a conversion likely.
    const sameName = module.replaceAll('.', '/') === p.keras.id;
    for (const m of p.moves) {
      const confidence: Confidence = sameName && m.transforms.length === 0 ? 'sure' : 'likely';
      const accepted = CONFIDENCES.indexOf(confidence) <= CONFIDENCES.indexOf(accept);
      links.push({
        from: m.from.map((f) => src.slots.get(f)!.name), to: dst.slots.get(m.to)!.name, transforms: m.transforms,
        confidence, reason: `${layer}: ${m.note}`, accepted,
      });
    }
  }
  return links;
}
