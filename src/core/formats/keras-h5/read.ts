/**
 * Keras weights in HDF5, every layout Keras has written:
 * - Keras 1/2 and Keras 3 legacy `.h5`: `layer_names` on the root (or on `model_weights` in a full model), each
 *   layer group with `weight_names`; datasets at `<layer>/<weight name>` (`dense_1/dense_1_W`,
 *   `model_weights/dense/dense/kernel:0`). Long lists are split into `layer_names0, layer_names1, ...`.
 *   A full model also has `optimizer_weights` (with `weight_names`) and a `model_config` root attribute.
 * - Keras 3 `.weights.h5`: `layers/<name>/vars/<i>`, nested models `layers/<outer>/layers/<inner>/vars/<i>`,
 *   `optimizer/vars/<i>`.
 * Datasets are listed in the order Keras defines (layer_names, weight_names, vars index); any dataset no
 * attribute names follows in natural order. float16 is an HDF5 IEEE half; bfloat16 is an untagged 2-byte opaque,
 * with attribute `dtype` = "bfloat16" in Keras 3 files (without it in legacy `.h5`), or a uint16 with that attribute.
 * A Keras 3 weight's `layer` is its `vars` group's `name` (the layer's own name), else the path's `layers/<name>`.
 */
import type { Dataset, Group } from 'h5wasm';
import { GraftError } from '../../errors';
import { basename, type ByteSource } from '../../io/byte-source';
import type { Checkpoint, TensorInfo } from '../../model/checkpoint';
import { type DType, ELEMENT_SIZE, elementCount } from '../../model/dtypes';
import { classifyVariable } from '../../model/naming';
import { swapByteOrder } from '../../model/numbers';
import { backingClause, H5T, isGroup, openH5, readDatasetBytes, type OpenedH5 } from './h5';
import { h5Progress, watched } from './watchdog';

export interface KerasH5Checkpoint extends Checkpoint {
  /** Which layout the names follow. */
  layout: 'keras-legacy' | 'keras3-weights' | 'hdf5';
  /** Releases h5wasm's handle; reads fail afterwards. */
  close(): void;
}

interface Listed {
  path: string;
  layer?: string;
  weightIndex?: number;
}

interface Stored {
  dataset: Dataset;
  /** Why its bytes are not read (a claim the file cannot back); undefined when they are. */
  unreadable?: string;
  /** Stored element size in bytes. */
  elementSize: number;
  littleEndian: boolean;
  nbytes: number;
}

/** Path order segment by segment, numbers by value: dense < dense_1 < dense_2 < dense_10, vars/2 < vars/10. */
export function naturalPathCompare(a: string, b: string): number {
  const sa = a.split('/');
  const sb = b.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const c = sa[i]!.localeCompare(sb[i]!, 'en', { numeric: true });
    if (c !== 0) return c;
  }
  return sa.length - sb.length;
}

function attrStrings(g: Group, name: string): string[] | null {
  const a = g.attrs[name];
  if (!a) return null;
  const v = a.json_value;
  const flat = (x: unknown): string[] =>
    Array.isArray(x) ? x.flatMap(flat) : typeof x === 'string' ? [x] : x instanceof Uint8Array ? [new TextDecoder().decode(x)] : [];
  return flat(v);
}

/** A Keras name-list attribute, joined from `name0, name1, ...` when h5py's 64 KB attribute limit split it. */
export function splitAttr(g: Group, name: string): string[] | null {
  const whole = attrStrings(g, name);
  if (whole) return whole;
  const parts: string[] = [];
  for (let i = 0; ; i++) {
    const part = attrStrings(g, `${name}${i}`);
    if (!part) break;
    parts.push(...part);
  }
  return parts.length > 0 || g.attrs[`${name}0`] ? parts : null;
}

/**
 * Every dataset path in the file (without leading `/`). HDF5's own recursive visit (H5Lvisit) enters each group once
 * whatever links lead to it, so a group linked into itself is listed once, in time linear in the file.
 */
function walk(opened: OpenedH5, file: string): string[] {
  const { module } = opened;
  const out: string[] = [];
  for (const path of module.get_names(opened.file.file_id, '/', true)) {
    h5Progress(file);
    if (module.get_type(opened.file.file_id, `/${path}`) === module.H5G_DATASET) out.push(path);
  }
  return out;
}

function legacyOrder(root: Group, rootPrefix: string): Listed[] {
  const layerNames = splitAttr(root, 'layer_names');
  if (!layerNames) return [];
  const out: Listed[] = [];
  for (const layer of layerNames) {
    const lg = root.get(layer);
    if (!isGroup(lg)) continue;
    const weightNames = splitAttr(lg, 'weight_names') ?? [];
    weightNames.forEach((w, i) => out.push({ path: `${rootPrefix}${layer}/${w}`, layer, weightIndex: i }));
  }
  return out;
}

/** Layer and weight index from a Keras 3 path: the last `layers/<name>` segment, and `vars/<i>`. */
export function keras3Location(path: string): { layer?: string; weightIndex?: number } {
  const segs = path.split('/');
  let layer: string | undefined;
  for (let i = 0; i + 1 < segs.length; i++) if (segs[i] === 'layers') layer = segs[i + 1];
  const out: { layer?: string; weightIndex?: number } = {};
  if (layer !== undefined && segs[0] === 'layers') out.layer = layer;
  const n = segs.length;
  if (n >= 2 && segs[n - 2] === 'vars' && /^\d+$/.test(segs[n - 1]!)) out.weightIndex = Number(segs[n - 1]);
  return out;
}

/**
 * keras3Location, with the layer's own name where its `vars` group has one: Keras names the path by class and
 * position (`layers/sequential/layers/dense`) and the group's `name` attribute by the layer (`dense_2`).
 */
function keras3Layer(root: Group, path: string): { layer?: string; weightIndex?: number } {
  const loc = keras3Location(path);
  // A sublayer's variable (`layers/multi_head_attention/query_dense/vars/0`) belongs to the layer whose slot holds it.
  const slot = /^(.*(?:^|\/)layers\/[^/]+)\/(?!.*(?:^|\/)layers\/).*vars\/\d+$/.exec(path)?.[1];
  if (loc.layer !== undefined && slot !== undefined) {
    const vars = root.get(`${slot}/vars`);
    const name = isGroup(vars) ? attrStrings(vars, 'name') : null;
    if (name?.length === 1 && name[0]) loc.layer = name[0];
  }
  return loc;
}

function graftDtype(file: string, path: string, ds: Dataset): { dtype: DType; elementSize: number } | { skip: string } {
  const m = ds.metadata;
  const attr = ds.attrs.dtype ? ds.attrs.dtype.json_value : undefined;
  const declared = typeof attr === 'string' ? attr : undefined;
  let dtype: DType | undefined;
  if (m.type === H5T.FLOAT) dtype = ({ 2: 'float16', 4: 'float32', 8: 'float64' } as const)[m.size as 2 | 4 | 8];
  else if (m.type === H5T.INTEGER) {
    const bits = m.size * 8;
    dtype = ([8, 16, 32, 64].includes(bits) ? `${m.signed ? 'int' : 'uint'}${bits}` : undefined) as DType | undefined;
  } else if (m.type === H5T.ENUM && m.size === 1 && m.enum_type && 'TRUE' in m.enum_type.members && 'FALSE' in m.enum_type.members) dtype = 'bool';
  else if (m.type === H5T.COMPOUND && m.compound_type?.nmembers === 2) {
    const [r, i] = m.compound_type.members;
    if (r?.name === 'r' && i?.name === 'i' && r.type === H5T.FLOAT && i.type === H5T.FLOAT && r.size === i.size) {
      dtype = r.size === 4 ? 'complex64' : r.size === 8 ? 'complex128' : undefined;
    }
  }
  else if (m.type === H5T.OPAQUE && declared && declared in ELEMENT_SIZE && ELEMENT_SIZE[declared as DType] === m.size) dtype = declared as DType;
  // h5py stores ml_dtypes' types as untagged opaque of their size; of those, only bfloat16 takes 2 bytes (Keras'
  // legacy .h5 has no `dtype` attribute to say so).
  else if (m.type === H5T.OPAQUE && m.size === 2 && !declared) dtype = 'bfloat16';
  if (!dtype) return { skip: `${file}: dataset ${path} has an HDF5 type Graft does not read as a tensor (class ${m.type}, ${m.size} bytes); it is left out` };
  // A `dtype` attribute names the real type of a same-sized integer stand-in (bool as uint8, bfloat16 as uint16).
  if (declared && declared !== dtype && declared in ELEMENT_SIZE && ELEMENT_SIZE[declared as DType] === m.size && m.type === H5T.INTEGER) dtype = declared as DType;
  return { dtype, elementSize: m.size };
}

export async function openKerasH5(source: ByteSource, label = source.path): Promise<KerasH5Checkpoint> {
  const opened: OpenedH5 = await openH5(source);
  try {
    return watched(source.path, () => list(opened, source, label));
  } catch (e) {
    opened.close();
    const damage = opened.damage();
    if (damage) throw damage;
    if (e instanceof GraftError) throw e;
    // h5wasm reports a malformed structure (an empty link name, a dangling attribute…) as a plain Error.
    const detail = (e instanceof Error ? e.message : String(e)).split('\n').find((l) => /error|invalid|bad|cannot/i.test(l) && !/HDF5-DIAG/.test(l));
    throw new GraftError('corrupt', source.path, `the HDF5 structure could not be read as Keras weights${detail ? ` (${detail.replace(/^\s*#\d+:.*? in /, '').trim()})` : ''}`, { cause: e });
  }
}

function list(opened: OpenedH5, source: ByteSource, label: string): KerasH5Checkpoint {
  const file = source.path;
  const root = opened.file;
  const warnings: string[] = [];
  const { listed, layout } = listDatasets(opened, file, warnings);
  const { tensors, stored } = describeTensors(opened, source, listed, warnings);
  const get = (name: string): Stored => {
    const s = stored.get(name);
    if (!s) throw new GraftError('not-found', file, `no dataset named ${name}`);
    return s;
  };
  const readLE = (name: string): Uint8Array => {
    const s = get(name);
    if (s.unreadable) throw new GraftError('too-large', file, `dataset ${name} ${s.unreadable}`);
    try {
      return readDatasetBytes(opened, s.dataset, s.nbytes, file);
    } catch (e) {
      const damage = opened.damage();
      if (damage) throw damage;
      if (e instanceof GraftError) throw e;
      throw new GraftError('corrupt', file, `dataset ${name} could not be read — the file is damaged or truncated`, { cause: e });
    }
  };
  const checkpoint: KerasH5Checkpoint = {
    format: 'keras-h5',
    label,
    files: [file],
    tensors,
    warnings,
    layout,
    async read(name) {
      const bytes = readLE(name);
      const s = get(name);
      // h5wasm hands back little-endian bytes; a big-endian dataset's stored bytes are those swapped back.
      return s.littleEndian ? bytes : swapByteOrder(bytes, tensors.find((t) => t.name === name)?.dtype.startsWith('complex') ? s.elementSize / 2 : s.elementSize);
    },
    async readValue(name) {
      return { bytes: readLE(name) };
    },
    unreadable: (name) => stored.get(name)?.unreadable,
    close: () => opened.close(),
  };
  const config = attrStrings(root, 'model_config');
  if (config && config.length === 1) checkpoint.modelConfig = config[0]!;
  return checkpoint;
}

/**
 * Every dataset in Keras' order: those the legacy attributes name (a named dataset that is missing is a warning),
 * then the rest in natural order, each with its Keras 3 layer when the file is a `.weights.h5`.
 */
function listDatasets(opened: OpenedH5, file: string, warnings: string[]): { listed: Listed[]; layout: KerasH5Checkpoint['layout'] } {
  const root = opened.file;
  const all = walk(opened, file);
  const present = new Set(all);
  const modelWeights = root.get('model_weights');
  const legacy = [...legacyOrder(root, ''), ...(isGroup(modelWeights) ? legacyOrder(modelWeights, 'model_weights/') : [])];
  const optimizerWeights = root.get('optimizer_weights');
  if (isGroup(optimizerWeights)) {
    for (const w of splitAttr(optimizerWeights, 'weight_names') ?? []) legacy.push({ path: `optimizer_weights/${w}` });
  }
  const listed: Listed[] = [];
  const seen = new Set<string>();
  for (const l of legacy) {
    if (seen.has(l.path)) continue;
    if (!present.has(l.path)) {
      warnings.push(`${basename(file)}: the weight_names attribute names ${l.path}, but there is no such dataset`);
      continue;
    }
    seen.add(l.path);
    listed.push(l);
  }
  const keras3 = legacy.length === 0 && all.some((p) => /(^|\/)vars\/\d+$/.test(p));
  for (const p of all.filter((p) => !seen.has(p)).sort(naturalPathCompare)) listed.push({ path: p, ...(keras3 ? keras3Layer(root, p) : {}) });
  return { listed, layout: legacy.length > 0 ? 'keras-legacy' : keras3 ? 'keras3-weights' : 'hdf5' };
}

/** Each listed dataset Graft can read as a tensor, with how it is stored; the others are warnings. */
function describeTensors(opened: OpenedH5, source: ByteSource, listed: readonly Listed[], warnings: string[]): { tensors: TensorInfo[]; stored: Map<string, Stored> } {
  const file = source.path;
  const stored = new Map<string, Stored>();
  const tensors: TensorInfo[] = [];
  for (const l of listed) {
    h5Progress(file);
    const ds = opened.file.get(l.path) as Dataset;
    const t = graftDtype(basename(file), l.path, ds);
    if ('skip' in t) {
      warnings.push(t.skip);
      continue;
    }
    const shape = ds.shape ?? [];
    const nbytes = elementCount(shape) * t.elementSize;
    // An opaque type has no byte order (h5wasm says big-endian): its bytes are as stored, little-endian from h5py.
    const s: Stored = { dataset: ds, elementSize: t.elementSize, littleEndian: ds.metadata.littleEndian || ds.metadata.type === H5T.OPAQUE, nbytes };
    const unreadable = backingClause(ds, nbytes, source.size);
    if (unreadable) s.unreadable = unreadable;
    stored.set(l.path, s);
    const { kind, group } = classifyVariable(l.path, l.layer !== undefined ? { layer: l.layer } : {});
    const info: TensorInfo = { name: l.path, dtype: t.dtype, shape, byteLength: nbytes, kind, group };
    if (l.layer !== undefined) info.layer = l.layer;
    if (l.weightIndex !== undefined) info.weightIndex = l.weightIndex;
    tensors.push(info);
  }
  return { tensors, stored };
}
