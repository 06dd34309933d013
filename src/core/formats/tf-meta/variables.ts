/**
 * The variables of a MetaGraph as its Saver stores them: each checkpoint key (read from the saver's own `SaveV2`
 * op, so custom `Saver({...})` names and partitioned variables come out as TF writes them; else from the
 * `variables` collection; else every variable node), with its dtype and shape, trainable flag, kind (weight,
 * optimizer state, step counter) and the op that computes with it.
 */
import { GraftError } from '../../errors';
import type { VariableKind } from '../../model/checkpoint';
import type { DType } from '../../model/dtypes';
import { dtypeFromCode } from '../tf-bundle/protos';
import { GraphIndex, nonModelScopes, parseInput, VARIABLE_OPS } from './graph';
import { decodeVariableDef, int64, type MetaGraphMsg, type NodeDefMsg, type VariableDefMsg } from './protos';
import { constantValue, elementCountOf, shapeOf } from './tensor';
import { clip, oneLine } from '../../io/untrusted';

export interface GraphSlice {
  /** The part's variable node. */
  node: string;
  start: number[];
  shape: number[];
}

export interface GraphVariable {
  /** The checkpoint key the graph's Saver writes it under: the variable's name, a partitioned variable's full name. */
  name: string;
  /** Its variable nodes: one, or the parts of a partitioned variable in slice order. */
  nodes: string[];
  dtype: DType;
  shape: number[];
  trainable: boolean;
  /** What the graph says it is; undefined where the graph cannot tell (a non-trainable variable no optimizer reads). */
  kind?: VariableKind;
  /** The op type (`MatMul`, `Conv2D`, `FusedBatchNormV3`…) and node that first compute with it. */
  consumerOp?: string;
  consumerNode?: string;
  /** Graph order of its first node and of its consumer: where it sits in the data flow. */
  order: number;
  consumerOrder?: number;
  /** The parts of a partitioned variable. */
  slices?: GraphSlice[];
  /** The tensor its initializer computes, per node (`conv1/w/Initializer/truncated_normal:0`). */
  initialValues: (string | undefined)[];
  /** The collections that list it: `trainable_variables`, `model_variables`, `moving_average_variables`… */
  collections: string[];
}

/** Collections TF fills with serialised VariableDefs (tf.compat.v1.GraphKeys). */
const VARIABLE_COLLECTIONS = new Set([
  'variables', 'trainable_variables', 'model_variables', 'local_variables', 'moving_average_variables',
  'global_step', 'metric_variables', 'trainable_resource_variables',
]);

const opName = (tensor: string) => parseInput(tensor)?.node ?? tensor;

/** `"9 4 0,3:0,4"` (full shape, then start,length or `-` per dimension) as the part's start and shape. */
function parseSliceSpec(spec: string, file: string, key: string): { full: number[]; start: number[]; shape: number[] } | null {
  const parts = spec.trim().split(' ');
  if (parts.length < 2) return null;
  const full = parts.slice(0, -1).map(Number);
  const extents = parts[parts.length - 1]!.split(':');
  if (extents.length !== full.length || full.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new GraftError('corrupt', file, `the saver stores "${key}" with the slice "${spec}", which does not fit its shape — the file is damaged`);
  }
  const start: number[] = [];
  const shape: number[] = [];
  extents.forEach((e, d) => {
    if (e === '-') return void (start.push(0), shape.push(full[d]!));
    const [s, l] = e.split(',').map(Number);
    if (!Number.isSafeInteger(s) || !Number.isSafeInteger(l) || s! < 0 || l! < 0 || s! + l! > full[d]!) {
      throw new GraftError('corrupt', file, `the saver stores "${key}" with the slice "${spec}", which does not fit its shape — the file is damaged`);
    }
    start.push(s!);
    shape.push(l!);
  });
  return { full, start, shape };
}

interface Saved {
  key: string;
  node: string;
  spec: string;
}

/** The VariableDefs of the variable collections, by variable node, with the collections that list each. */
type VariableDefs = Map<string, { def: VariableDefMsg; collections: string[] }>;

function stringsOf(graph: GraphIndex, input: string | undefined, file: string): string[] | null {
  const node = input === undefined ? undefined : graph.node(opName(input));
  if (!node || node.op !== 'Const' || !node.attr.value?.tensor) return null;
  const value = constantValue(node.attr.value.tensor, file, `constant "${node.name}"`);
  return value?.strings ? value.strings.map((s) => new TextDecoder().decode(s)) : null;
}

/** What the saver `scope`'s save ops store: key, variable node and slice spec per tensor. */
function savedBySaver(graph: GraphIndex, scope: string, file: string, warnings: string[]): Saved[] | null {
  const saves = graph.nodes.filter((n) => n.name.startsWith(`${scope}/`) && (n.op === 'SaveV2' || n.op === 'SaveSlices' || n.op === 'Save'));
  if (saves.length === 0) return null;
  const out: Saved[] = [];
  for (const save of saves) {
    const first = save.op === 'Save' ? 2 : 3;
    const keys = stringsOf(graph, save.input[1], file);
    const specs = save.op === 'Save' ? [] : stringsOf(graph, save.input[2], file);
    const tensors = save.input.filter((i) => !i.startsWith('^')).slice(first);
    if (!keys || !specs) {
      // Names fed some other way than a constant: the collections say what a default Saver would store.
      warnings.push(`the saver's ${save.op} op "${save.name}" does not name its tensors with a constant; the keys come from the variables collection`);
      return null;
    }
    if (keys.length !== tensors.length || (specs.length > 0 && specs.length !== keys.length)) {
      throw new GraftError('corrupt', file, `the saver's ${save.op} op "${save.name}" does not list one name per saved tensor — the file is damaged`);
    }
    const others: string[] = [];
    tensors.forEach((t, i) => {
      const node = graph.variableBehind(t);
      if (node) out.push({ key: keys[i]!, node, spec: specs[i] ?? '' });
      else others.push(`"${clip(keys[i]!)}" (${graph.node(opName(t))?.op ?? 'unknown op'})`);
    });
    warnings.push(...oneLine(others, (o) => `the saver also stores ${o}, which is not a variable; Graft leaves it out`, (n, some) => `the saver also stores ${n} tensors that are not variables (${some}); Graft leaves them out`));
  }
  return out;
}

function variableDefs(meta: MetaGraphMsg, file: string): VariableDefs {
  const byNode: VariableDefs = new Map();
  for (const [name, c] of Object.entries(meta.collection_def)) {
    if (!VARIABLE_COLLECTIONS.has(name) || !c.bytes_list) continue;
    for (const bytes of c.bytes_list.value) {
      const def = decodeVariableDef(bytes, file, name);
      const node = opName(def.variable_name);
      const known = byNode.get(node);
      if (known) known.collections.push(name);
      else byNode.set(node, { def, collections: [name] });
    }
  }
  return byNode;
}

/** The `variables` collection as a default Saver stores it: a partitioned variable's parts under its full name. */
function savedByCollection(defs: VariableDefs, file: string): Saved[] {
  return [...defs.entries()]
    .filter(([, d]) => d.collections.includes('variables'))
    .map(([node, { def }]) => {
      const s = def.save_slice_info_def;
      if (!s) return { key: node, node, spec: '' };
      const full = s.full_shape.map((d) => int64(d, file, `the full shape of "${s.full_name}"`));
      const ext = s.var_offset.map((o, i) => `${int64(o, file, 'a slice offset')},${int64(s.var_shape[i], file, 'a slice length')}`);
      return { key: s.full_name, node, spec: `${full.join(' ')} ${ext.join(':')}` };
    });
}

/** What the saver stores, as its save ops say; else as the `variables` collection says; else every variable node. */
function savedTensors(graph: GraphIndex, defs: VariableDefs, saverScope: string | undefined, file: string, warnings: string[]): Saved[] {
  const bySaver = saverScope ? savedBySaver(graph, saverScope, file, warnings) : null;
  if (bySaver) return bySaver;
  const byCollection = savedByCollection(defs, file);
  if (byCollection.length) return byCollection;
  return graph.nodes.filter((n) => VARIABLE_OPS.has(n.op)).map((n) => ({ key: n.name, node: n.name, spec: '' }));
}

function groupByKey(saved: Saved[]): Map<string, Saved[]> {
  const byKey = new Map<string, Saved[]>();
  for (const s of saved) {
    const list = byKey.get(s.key);
    if (list) list.push(s);
    else byKey.set(s.key, [s]);
  }
  return byKey;
}

/** What one `graphVariables` call knows while it describes each saved key. */
interface VariableContext {
  graph: GraphIndex;
  defs: VariableDefs;
  file: string;
  warnings: string[];
  /** Scopes whose readers are not the model (the saver's, summaries'): passed to `readersOf`. */
  skip: readonly string[];
  trainableNodes: Set<string>;
  /** Variables left out, by reason: one warning each at the end. */
  noDtype: string[];
  noShape: string[];
}

/** Every variable the graph's Saver stores, in the order the graph creates them. */
export function graphVariables(meta: MetaGraphMsg, graph: GraphIndex, file: string, warnings: string[]): GraphVariable[] {
  const defs = variableDefs(meta, file);
  const saverScope = meta.saver_def?.save_tensor_name ? opName(meta.saver_def.save_tensor_name).split('/')[0] : undefined;
  const byKey = groupByKey(savedTensors(graph, defs, saverScope, file, warnings));
  const trainableNodes = new Set([...defs.entries()].filter(([, d]) => d.collections.includes('trainable_variables') || d.def.trainable).map(([n]) => n));
  const ctx: VariableContext = { graph, defs, file, warnings, skip: nonModelScopes(graph, saverScope), trainableNodes, noDtype: [], noShape: [] };
  const out: GraphVariable[] = [];
  for (const [key, parts] of byKey) {
    const variable = describeVariable(key, parts, ctx);
    if (variable) out.push(variable);
  }
  warnings.push(...oneLine(ctx.noDtype, (v) => `variable ${v} has a dtype Graft does not know; it is left out`, (n, some) => `${n} variables have dtypes Graft does not know (${some}); they are left out`));
  warnings.push(...oneLine(ctx.noShape, (v) => `variable ${v} has no static shape in the graph; it is left out`, (n, some) => `${n} variables have no static shape in the graph (${some}); they are left out`));
  return out.sort((a, b) => a.order - b.order);
}

/** The full shape of the variable `key` and, for a partitioned one, its parts; null shape if the graph has none. */
function shapeAndSlices(key: string, parts: Saved[], first: NodeDefMsg, file: string): { shape: number[] | null; slices?: GraphSlice[] } {
  if (!parts.some((p) => p.spec)) return { shape: shapeOf(first.attr.shape?.shape, file, `variable "${key}"`) };
  const slices: GraphSlice[] = [];
  let shape: number[] | null = null;
  for (const p of parts) {
    const spec = parseSliceSpec(p.spec, file, key);
    if (!spec) continue;
    shape = spec.full;
    slices.push({ node: p.node, start: spec.start, shape: spec.shape });
  }
  return { shape, slices };
}

function kindOf(collections: string[], optimizerState: boolean, trainable: boolean): VariableKind | undefined {
  if (collections.includes('global_step')) return 'bookkeeping';
  if (optimizerState && !trainable) return 'optimizer';
  return trainable ? 'weight' : undefined;
}

/** The saved key `key` as a variable; null (with a warning) where Graft cannot hold it. */
function describeVariable(key: string, parts: Saved[], ctx: VariableContext): GraphVariable | null {
  const { graph, defs, file, warnings } = ctx;
  const first = graph.node(parts[0]!.node)!;
  const dtype = dtypeFromCode(Number(first.attr.dtype?.type ?? 0));
  if (!dtype) {
    ctx.noDtype.push(`"${clip(key)}"`);
    return null;
  }
  const { shape, slices } = shapeAndSlices(key, parts, first, file);
  if (!shape) {
    ctx.noShape.push(`"${clip(key)}"`);
    return null;
  }
  elementCountOf(shape, file, `variable "${key}"`);
  const nodes = parts.map((p) => p.node);
  const readers = graph.readersOf(nodes, ctx.skip);
  const collections = [...new Set(nodes.flatMap((n) => defs.get(n)?.collections ?? []))];
  const trainable = nodes.some((n) => ctx.trainableNodes.has(n));
  const consumer = readers.consumer === undefined ? undefined : graph.nodes[readers.consumer]!;
  const kind = kindOf(collections, readers.optimizerState, trainable);
  return {
    name: key,
    nodes,
    dtype,
    shape,
    trainable,
    ...(kind ? { kind } : {}),
    ...(consumer ? { consumerOp: consumer.op, consumerNode: consumer.name, consumerOrder: readers.consumer! } : {}),
    order: graph.byName.get(nodes[0]!)!,
    ...(slices ? { slices } : {}),
    initialValues: nodes.map((n) => initialValueOf(graph, n, defs.get(n)?.def)),
    collections,
  };
}

/** The tensor a variable's initializer assigns: the VariableDef says, else the `Assign` op beside it does. */
function initialValueOf(graph: GraphIndex, node: string, def: VariableDefMsg | undefined): string | undefined {
  if (def?.initial_value_name) return def.initial_value_name;
  const assign = graph.node(def?.initializer_name || `${node}/Assign`);
  if (assign && assign.input.length >= 2 && opName(assign.input[0]!) === node) return assign.input[1];
  return undefined;
}

