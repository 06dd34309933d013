/**
 * How each format spells a variable, reduced to forms that can be compared: `dense/kernel` whether it was
 * stored as `dense/kernel:0`, `model_weights/dense/dense/kernel:0`, `layers/dense/vars/0`, `dense_1_W`, a TF2
 * object-graph path or a target variable with its layer and weight index. Also: which names are positional
 * (auto-numbered by a framework, so the same name may be a different layer after a change).
 */
import type { TensorInfo } from '../../model/checkpoint';
import type { TargetVariable } from '../../model/target-model';

/** A variable as the matcher sees it, on either side. */
export interface VarView {
  index: number;
  name: string;
  shape: number[];
  dtype: TensorInfo['dtype'];
  kind: TensorInfo['kind'];
  /** The most readable name: `dense_4/kernel` rather than `layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE`. */
  readable: string;
  /** Normalised name forms, strongest first (the stored key first). `layer#i` forms come last. */
  keys: string[];
  /**
   * The keys that say only where a variable sits, not what it is: TF1 `Variable_N`, TF2 `layer_with_weights-N`
   * and Keras 3 `_operations/N` object paths, Keras 3 `layers/dense_2/vars/0` (the third Dense, whatever its name).
   * Two models agree on them only as long as their layer order does.
   */
  weak: ReadonlySet<string>;
  /** Scope of the readable name (`dense_4`), '' when unscoped (TF1 `Variable_3`). */
  layer: string;
  /** Names the layer goes by (path scope, original-name scope), for tie-breaking the alignment. */
  layerKeys: string[];
  slot: string;
  slotOrder: number;
  /** Creation order where the name or the source says it (TF2 `layer_with_weights-N`, TF1 `Variable_N`, model JSON order). */
  position?: number[];
  positional: boolean;
  /** Keras layer family (`dense`, `conv2d`), where known. */
  family?: string;
}

/** Views by variable index (a Map, or ViewIndex). */
export interface ViewsByIndex {
  get(index: number): VarView | undefined;
}

/** ViewsByIndex over an array: tens of thousands of views cost no hash entry each. */
export class ViewIndex implements ViewsByIndex {
  private readonly at: (VarView | undefined)[];
  constructor(views: readonly VarView[]) {
    let size = 0;
    for (let i = 0; i < views.length; i++) size = Math.max(size, views[i]!.index + 1);
    this.at = new Array<VarView | undefined>(size).fill(undefined);
    for (let i = 0; i < views.length; i++) this.at[views[i]!.index] = views[i];
  }
  get(index: number): VarView | undefined {
    return this.at[index];
  }
}

const VALUE_SUFFIX = '/.ATTRIBUTES/VARIABLE_VALUE';

// Keras' default layer names (snake_case class names), numbered per class in a session.
const KERAS_FAMILIES = new Set([
  'dense', 'conv1d', 'conv2d', 'conv3d', 'conv2d_transpose', 'conv1d_transpose', 'conv3d_transpose', 'depthwise_conv2d',
  'separable_conv2d', 'separable_conv1d', 'batch_normalization', 'layer_normalization', 'group_normalization', 'embedding',
  'lstm', 'gru', 'simple_rnn', 'bidirectional', 'multi_head_attention', 'einsum_dense', 'prelu', 'conv_lstm2d',
  'time_distributed', 'normalization', 'p_re_lu', 'lstm_cell', 'gru_cell', 'simple_rnn_cell', 'dense_features',
  'grouped_query_attention',
]);

// Attention layers keep their projections in EinsumDense sublayers (`layers/multi_head_attention/query_dense/vars/0`),
// which Keras' readable paths name `mha/query/kernel`.
const SUBLAYERS: Record<string, Record<string, string>> = {
  multi_head_attention: { query_dense: 'query', key_dense: 'key', value_dense: 'value', output_dense: 'attention_output', _gate_dense: 'gate' },
  grouped_query_attention: { _query_dense: 'query', _key_dense: 'key', _value_dense: 'value', _output_dense: 'attention_output', _gate_dense: 'gate' },
};

// Keras weight order per family, for `layers/<name>/vars/<i>` (Keras 3) which stores no weight names.
const WEIGHT_ORDER: Record<string, string[]> = {
  batch_normalization: ['gamma', 'beta', 'moving_mean', 'moving_variance'],
  layer_normalization: ['gamma', 'beta'],
  group_normalization: ['gamma', 'beta'],
  embedding: ['embeddings'],
  lstm: ['kernel', 'recurrent_kernel', 'bias'],
  gru: ['kernel', 'recurrent_kernel', 'bias'],
  simple_rnn: ['kernel', 'recurrent_kernel', 'bias'],
  depthwise_conv2d: ['depthwise_kernel', 'bias'],
  separable_conv2d: ['depthwise_kernel', 'pointwise_kernel', 'bias'],
  separable_conv1d: ['depthwise_kernel', 'pointwise_kernel', 'bias'],
  prelu: ['alpha'],
  p_re_lu: ['alpha'],
};
const DEFAULT_ORDER = ['kernel', 'bias'];
const RNN_FAMILIES = new Set(['lstm', 'gru', 'simple_rnn']);

const SLOT_ALIASES: Record<string, string> = {
  W: 'kernel', w: 'kernel', weights: 'kernel', weight: 'kernel', b: 'bias', biases: 'bias',
  running_mean: 'moving_mean', running_var: 'moving_variance', U: 'recurrent_kernel',
};
const SLOT_ORDER = ['embeddings', 'kernel', 'depthwise_kernel', 'pointwise_kernel', 'recurrent_kernel', 'bias', 'gamma', 'beta', 'moving_mean', 'moving_variance', 'alpha'];

const POSITIONAL_SEGMENT = /^(Variable(_\d+)?|layer_with_weights-\d+|layer-\d+|\d+|(layer|layers|block|blocks|h|stage|cell|encoder_layer|decoder_layer|res|resblock)[_.-]?\d+)$/;

// Layer names repeat across thousands of variables (`gate_proj`, `dense_3`): each is looked up once.
const families = new Map<string, string | null>();

export function familyOf(segment: string): string | undefined {
  let known = families.get(segment);
  if (known === undefined) {
    if (families.size > 100_000) families.clear();
    const base = segment.replace(/_\d+$/, '');
    known = KERAS_FAMILIES.has(base) ? base : null;
    families.set(segment, known);
  }
  return known ?? undefined;
}

// Segments repeat across thousands of names (`attention`, `layer_5`): each is tested once.
const positionalSegments = new Map<string, boolean>();

function isPositionalSegment(seg: string): boolean {
  let known = positionalSegments.get(seg);
  if (known === undefined) {
    if (positionalSegments.size > 100_000) positionalSegments.clear();
    known = POSITIONAL_SEGMENT.test(seg) || familyOf(seg) !== undefined;
    positionalSegments.set(seg, known);
  }
  return known;
}

const ORDINAL_KEY = /^Variable(_\d+)?$|(^|\/)(layer_with_weights-\d+|layer-\d+|_operations\/\d+)(\/|$)|^layers\/(.+\/)?vars\/\d+$/;

/** A key made of positions only (see VarView.weak). */
export function isOrdinalKey(key: string): boolean {
  // Every alternative holds one of these (`Variable`, `layer_with_weights-`, `layer-`, `_operations/`, or starts
  // `layers/` and holds `/vars/`): most keys are settled without running the regex, `model.layers.0.mlp` too.
  return (
    (key.includes('Variable') || key.includes('layer-') || key.includes('layer_with_weights-') || key.includes('_operations/') || (key.startsWith('layers/') && key.includes('/vars/'))) &&
    ORDINAL_KEY.test(key)
  );
}

export function isPositionalName(name: string): boolean {
  // As name.split('/').some(isPositionalSegment), without an array per name.
  for (let start = 0; ; ) {
    const end = name.indexOf('/', start);
    if (isPositionalSegment(end < 0 ? name.slice(start) : name.slice(start, end))) return true;
    if (end < 0) return false;
    start = end + 1;
  }
}

/** `DenseFeatures` → `dense_features`, `Conv2D` → `conv2d`. */
export function snakeClass(cls: string): string {
  return cls.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toLowerCase().replace(/(\d)_d(?=_|$)/g, '$1d');
}

const dirname = (s: string) => (s.includes('/') ? s.slice(0, s.lastIndexOf('/')) : '');
const basename = (s: string) => s.slice(s.lastIndexOf('/') + 1);

export function normaliseSlot(slot: string): string {
  return SLOT_ALIASES[slot] ?? slot;
}

/** Name forms of one stored key: without `:0`, TF2's value suffix, h5's `model_weights/x/x/`, Keras 1's `x_W`. */
export function nameForms(key: string): { forms: string[]; keras3?: { layer: string; index: number } } {
  // The regexes only where they can match: this runs once per variable of both sides.
  let s = key.includes(':') ? key.replace(/:\d+$/, '') : key;
  if (s.endsWith(VALUE_SUFFIX)) s = s.slice(0, -VALUE_SUFFIX.length);
  if (s.startsWith('/')) s = s.replace(/^\/+/, '');
  const k3 = s.startsWith('layers/') ? /^(?:.*\/)?layers\/([^/]+)((?:\/[^/]+)*?)\/vars\/(\d+)$/.exec(s) : null;
  if (k3) {
    // `layers/<class-position>[/cell]/vars/<i>`: the weight's name follows from the class's weight order; under
    // any other sub-object (`forward_layer/cell`) it does not.
    const layer = k3[1]!;
    const index = Number(k3[3]);
    const family = familyOf(layer);
    const order = WEIGHT_ORDER[family ?? ''] ?? DEFAULT_ORDER;
    const direct = k3[2] === '' || (k3[2] === '/cell' && RNN_FAMILIES.has(family ?? ''));
    const sublayer = SUBLAYERS[family ?? '']?.[(k3[2] ?? '').slice(1)];
    const forms = [s];
    if (direct && order[index]) forms.push(`${layer}/${order[index]}`);
    else if (sublayer && DEFAULT_ORDER[index]) forms.push(`${layer}/${sublayer}/${DEFAULT_ORDER[index]}`);
    return { forms, keras3: { layer, index } };
  }
  // PyTorch / safetensors spell scopes with dots: `encoder.fc1.weight`.
  const sep = !s.includes('/') && s.includes('.') ? '.' : '/';
  const fast = plainForms(s, sep);
  if (fast) return { forms: fast };
  const forms = [s];
  let segs = s.split(sep);
  if (segs[0] === 'model_weights') segs = segs.slice(1);
  if (segs.length >= 3 && segs[0] === segs[1]) segs = segs.slice(1);
  const last = segs[segs.length - 1]!;
  const layer = segs[segs.length - 2];
  if (layer && last.length > layer.length && last.charCodeAt(layer.length) === 95 /* _ */ && last.startsWith(layer)) segs = [...segs.slice(0, -1), normaliseSlot(last.slice(layer.length + 1))];
  const joined = segs.join('/');
  if (joined !== s) forms.push(joined);
  const end = segs[segs.length - 1]!;
  const alias = SLOT_ALIASES[end];
  if (alias && segs.length > 1) forms.push(joined.slice(0, joined.length - end.length) + alias);
  return { forms };
}

// slashed's scratch bytes, their views by length and the decoder, reused by every name.
let scratch = new Uint8Array(256);
let prefixes: Uint8Array[] = [];
const ascii = new TextDecoder();

/**
 * `dotted.split('.').join('/') + tail` as one flat string: an ASCII name is copied once through reused bytes, where a
 * split makes an array and a string per segment and `+` a rope (100,000 names on the two sides of an LLM checkpoint).
 */
function slashed(dotted: string, tail: string): string {
  const n = dotted.length + tail.length;
  if (n > scratch.length) {
    scratch = new Uint8Array(2 * n);
    prefixes = [];
  }
  for (let i = 0; i < dotted.length; i++) {
    const c = dotted.charCodeAt(i);
    if (c > 127) return dotted.split('.').join('/') + tail;
    scratch[i] = c === 46 /* . */ ? 47 /* / */ : c;
  }
  for (let i = 0; i < tail.length; i++) {
    const c = tail.charCodeAt(i);
    if (c > 127) return dotted.split('.').join('/') + tail;
    scratch[dotted.length + i] = c;
  }
  return ascii.decode((prefixes[n] ??= scratch.subarray(0, n)));
}

/**
 * nameForms' forms for the common name (not under `model_weights`, no repeated first scope, no Keras 1 `layer_W`
 * weight), `s` first: the same forms, in an array of their exact size. Null: the name needs the general path.
 */
function plainForms(s: string, sep: string): string[] | null {
  const c1 = s.indexOf(sep);
  const c2 = c1 < 0 ? -1 : s.indexOf(sep, c1 + 1);
  if (c1 < 0 ? s === 'model_weights' : c1 === 13 && s.startsWith('model_weights')) return null;
  // segs[0] === segs[1] with three or more segments.
  if (c2 >= 0 && c2 - c1 - 1 === c1 && s.startsWith(s.slice(0, c1), c1 + 1)) return null;
  const lastCut = s.lastIndexOf(sep);
  const end = s.slice(lastCut + 1);
  if (lastCut > 0) {
    const prevCut = s.lastIndexOf(sep, lastCut - 1);
    const layerLength = lastCut - prevCut - 1;
    if (end.length > layerLength && end.charCodeAt(layerLength) === 95 /* _ */ && s.startsWith(s.slice(prevCut + 1, lastCut), lastCut + 1)) return null;
  }
  const alias = lastCut >= 0 ? SLOT_ALIASES[end] : undefined;
  const joined = sep === '/' ? s : slashed(s, '');
  const aliased = alias ? (sep === '/' ? joined.slice(0, joined.length - end.length) + alias : slashed(s.slice(0, s.length - end.length), alias)) : undefined;
  if (joined === s) return aliased === undefined ? [s] : [s, aliased];
  return aliased === undefined ? [s, joined] : [s, joined, aliased];
}

function slotRank(slot: string): number {
  const i = SLOT_ORDER.indexOf(slot);
  return i < 0 ? SLOT_ORDER.length : i;
}

interface ViewHints {
  layer?: string;
  weightIndex?: number;
  layerClass?: string;
  /** The side's own order is the model's order (a model JSON). */
  ordinal?: number;
}

function positionFromName(name: string): number[] | undefined {
  if (!name.includes('ariable') && !name.includes('layer-') && !name.includes('layer_with_weights-') && !name.includes('_operations')) return undefined;
  const tf1 = /^Variable(?:_(\d+))?$/.exec(name);
  if (tf1) return [tf1[1] ? Number(tf1[1]) : 0];
  const segs = name.split('/');
  const nums: number[] = [];
  for (const [i, seg] of segs.entries()) {
    const m = /^layer(?:_with_weights)?-(\d+)$/.exec(seg) ?? (segs[i - 1] === '_operations' ? /^(\d+)$/.exec(seg) : null);
    if (m) nums.push(Number(m[1]));
    else if (nums.length) break;
  }
  return nums.length ? nums : undefined;
}

const NO_KEYS: Set<string> = new Set();

/** `weak` with `k` added: a Set only for the few variables that have a weak key (NO_KEYS is never written). */
const withWeak = (weak: Set<string>, k: string): Set<string> => (weak === NO_KEYS ? new Set([k]) : weak.add(k));

/** A handful of strings without repeats, in order (as `[...new Set(xs)]`, without a Set per variable), in place. */
function distinct(xs: string[]): string[] {
  let n = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    let seen = false;
    for (let j = 0; j < n && !seen; j++) seen = xs[j] === x;
    if (!seen) xs[n++] = x;
  }
  xs.length = n;
  return xs;
}

const OBJECT_PATH = /(^|\/)(layer(_with_weights)?-\d+|_operations\/\d+)(\/|$)/;

export function viewOf(t: TensorInfo & Partial<Pick<TargetVariable, 'layer' | 'weightIndex' | 'layerClass' | 'kerasPath'>>, index: number, hints: ViewHints = {}): VarView {
  const { forms, keras3 } = nameForms(t.name);
  let weak: Set<string> = NO_KEYS;
  // Keras 3 keys a layer by class and position (`layers/dense_1` is the second Dense); where the file records the
  // layer's own name, that is its name form, and the class-position form says only where it sits.
  if (keras3 && forms[1]) {
    if (t.layer !== undefined && t.layer !== keras3.layer) forms[1] = `${t.layer}/${forms[1].slice(keras3.layer.length + 1)}`;
    else weak = withWeak(weak, forms[1]);
  }
  // [t.name, ...forms] at its exact size (the common case adds nothing to it below).
  const keys = forms.length === 1 ? [t.name, forms[0]!] : forms.length === 2 ? [t.name, forms[0]!, forms[1]!] : forms.length === 3 ? [t.name, forms[0]!, forms[1]!, forms[2]!] : [t.name].concat(forms);
  // The key this variable would have in a Keras 3 weights file (`layers/dense/vars/0`), from the target builder.
  if (t.kerasPath) keys.push(t.kerasPath);
  const original = t.originalName?.replace(/:\d+$/, '');
  if (original) keys.push(original);
  // TF2 records a Sequential's variables under the model's own scope (`sequential/dense/kernel`); the new model
  // names them without it.
  const unscoped = original && t.path?.startsWith('model/') && original.split('/').length >= 3 ? original.slice(original.indexOf('/') + 1) : undefined;
  if (unscoped) keys.push(unscoped);
  if (t.path) keys.push(t.path);
  const layerName = hints.layer ?? t.layer ?? keras3?.layer;
  const weightIndex = hints.weightIndex ?? t.weightIndex ?? keras3?.index;
  const stripped = forms[forms.length - 1]!;
  // Readable: a TF2 object-graph path says only where the variable hangs; its original name says what it is.
  const readable = original && OBJECT_PATH.test(stripped) ? (unscoped ?? original) : stripped;
  const strippedDir = dirname(stripped);
  const layer = layerName ?? (readable === stripped ? strippedDir : dirname(readable));
  if (layerName !== undefined && weightIndex !== undefined) {
    keys.push(`${layerName}#${weightIndex}`);
    if (keras3 && t.layer === undefined) weak = withWeak(weak, `${layerName}#${weightIndex}`);
  }
  const unique = distinct(keys);
  for (let i = 0; i < unique.length; i++) if (isOrdinalKey(unique[i]!)) weak = withWeak(weak, unique[i]!);
  const originalDir = original ? dirname(original) : '';
  const plainLayer = (!strippedDir || strippedDir === layer) && (!originalDir || originalDir === layer);
  const layerKeys: string[] = plainLayer ? (layer ? [layer] : []) : [];
  if (!plainLayer) {
    if (layer) layerKeys.push(layer);
    if (strippedDir && strippedDir !== layer) layerKeys.push(strippedDir);
    if (originalDir && !layerKeys.includes(originalDir)) layerKeys.push(originalDir);
  }
  const slot = normaliseSlot(basename(readable));
  const cls = hints.layerClass ?? t.layerClass;
  const family = cls ? snakeClass(cls) : familyOf(basename(layer)) ?? (original ? familyOf(basename(dirname(original))) : undefined);
  const position = hints.ordinal !== undefined ? [hints.ordinal] : positionFromName(stripped) ?? (t.path ? positionFromName(t.path) : undefined);
  // One object shape for every view (position and family present even when undefined): the stages that read
  // views then see a single hidden class.
  return {
    index,
    name: t.name,
    shape: t.shape,
    dtype: t.dtype,
    kind: t.kind,
    readable,
    keys: unique,
    weak,
    layer,
    layerKeys,
    slot,
    slotOrder: weightIndex ?? slotRank(slot),
    position,
    // Where an object-graph path was replaced by the variable's own name, the path's numbers say nothing of it.
    positional: isPositionalName(readable),
    family,
  };
}

/** Natural order: `dense_2` before `dense_10`. */
export function naturalCompare(a: string, b: string): number {
  const ra = a.split(/(\d+)/);
  const rb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i]!;
    const y = rb[i]!;
    if (x === y) continue;
    if (i % 2 === 1) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return ra.length - rb.length;
}
