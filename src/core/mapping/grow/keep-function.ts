/**
 * "Keep the function": rewrites a recipe's links so the grown model computes what the old one did (Net2Net).
 * A widened Dense/Conv layer (more output units than its linked old kernel) copies old units into the new ones
 * (`net2wider`, one seeded mapping per old → new width, so residual branches widened alike agree); everything that
 * reads those channels follows the graph: batch norms copy their statistics, the next Dense/Conv divides its incoming
 * weights by the replication count (`divide-replicated`, through a channels-last Flatten as a reshape around it).
 * A layer with no old weights whose kernel maps n channels to n becomes identity (`identity`, zero bias), an
 * inserted batch norm identity too (gamma 1, beta 0, mean 0, variance 1 − epsilon as float32 rounds it).
 */
import type { TensorInfo } from '../../model/checkpoint';
import type { TargetModel, TargetVariable } from '../../model/target-model';
import { Rng, deriveSeed } from '../../model/target/random';
import type { Link, Recipe } from '../recipe';
import type { Transform } from '../transforms';
import { channelMap, isIdentityMap, layerGraph, type ChannelMap, type GraphLayer, type LayerGraph, type MapResult } from './graph';

export interface KeepFunctionOptions {
  /** Which old unit each new unit copies: seeded random draws (Net2Net), or the old units in turn. */
  mapping?: 'random' | 'cycle';
  /** Standard deviation of noise added to the copied units' kernel entries; above 0 the function is kept only approximately. */
  noise?: number;
}

export interface WidenedLayer {
  layer: string;
  from: number;
  to: number;
  /** mapping[j]: the old unit new unit j copies. */
  mapping: number[];
}

export interface KeepFunctionResult {
  /** Links to put in the recipe, each replacing the link to the same variable. */
  links: Link[];
  widened: WidenedLayer[];
  /** Layers with no old weights that now start as identity. */
  deepened: string[];
  /** What the person should know (activations after an identity layer, noise). */
  notes: string[];
  /** Why widening could not keep the function; when any, no widening link is made. */
  refused: string[];
}

const KERNEL_LAYERS = new Set(['Dense', 'Conv1D', 'Conv2D', 'Conv3D']);
const slot = (v: TargetVariable) => v.name.slice(v.name.lastIndexOf('/') + 1).replace(/:\d+$/, '');

interface LayerInfo {
  layer: GraphLayer;
  vars: TargetVariable[];
  kernel?: TargetVariable;
  /** The old kernel linked to it, when exactly one. */
  oldKernel?: TensorInfo;
  widened?: WidenedLayer;
  /** No variable of the layer has an old source. */
  inserted: boolean;
  /** Inserted, and its weights can make it compute identity. */
  identity: boolean;
}

/** The mapping of a layer widened from n to m units: the existing one in its kernel link, else drawn. */
function widenMapping(n: number, m: number, existing: Transform[] | undefined, axis: number, seed: number, how: 'random' | 'cycle'): number[] {
  const step = existing?.find((t) => t.op === 'net2wider' && t.axis === axis && t.mapping.length === m);
  if (step && step.op === 'net2wider' && step.mapping.every((u) => u < n)) return step.mapping;
  const rng = new Rng(deriveSeed(seed, `net2wider ${n}->${m}`));
  return Array.from({ length: m }, (_, j) => (j < n ? j : how === 'cycle' ? (j - n) % n : Math.floor(rng.uniform() * n)));
}

/** The float32 variance v with fl(v + fl(eps)) = 1, so a batch norm's 1/sqrt(v + eps) is exactly 1. */
export function identityVariance(epsilon: number): number {
  const eps = Math.fround(epsilon);
  let v = Math.fround(1 - eps);
  for (let i = 0; i < 8 && Math.fround(v + eps) !== 1; i++) v = Math.fround(v + (Math.fround(v + eps) < 1 ? 1 : -1) * 2 ** -24);
  return v;
}

/** A conv whose output has its input's spatial shape (SAME padding or a 1-tap kernel, stride 1, no dilation). */
function keepsShape(layer: GraphLayer, kernel: readonly number[]): boolean {
  if (!/^Conv[123]D$/.test(layer.className)) return true;
  const ones = (v: unknown) => v === undefined || v === 1 || (Array.isArray(v) && v.every((x) => x === 1));
  const c = layer.config;
  return ones(c.strides) && ones(c.dilation_rate) && (c.groups === undefined || c.groups === 1) && (c.padding === 'same' || kernel.slice(0, -2).every((k) => k === 1));
}

class Grower {
  readonly result: KeepFunctionResult = { links: [], widened: [], deepened: [], notes: [], refused: [] };
  private readonly infos = new Map<string, LayerInfo>();
  private readonly linkTo = new Map<string, Link>();
  private readonly seen = new Map<string, MapResult>();

  constructor(
    private readonly graph: LayerGraph,
    recipe: Recipe,
    private readonly old: ReadonlyMap<string, TensorInfo>,
    variables: readonly TargetVariable[],
    private readonly options: Required<KeepFunctionOptions> & { seed: number },
  ) {
    for (const l of recipe.links) if (!this.linkTo.has(l.to)) this.linkTo.set(l.to, l);
    for (const layer of graph.layers.values()) {
      const vars = variables.filter((v) => v.layer === layer.name).sort((a, b) => (a.weightIndex ?? 0) - (b.weightIndex ?? 0));
      if (vars.length) this.infos.set(layer.name, this.describe(layer, vars));
    }
    for (const v of variables) {
      const src = this.source(v);
      const grew = src && src.shape.length === v.shape.length && v.shape.some((d, i) => d > src.shape[i]!);
      if (grew && !(v.layer && graph.layers.has(v.layer))) this.refuse(`${v.name} grew, but its layer is not in the model's top-level graph (a nested model or a shared wrapper), so Graft cannot follow its readers`);
    }
  }

  private source(v: TargetVariable): TensorInfo | undefined {
    const l = this.linkTo.get(v.name);
    return l && l.from.length === 1 ? this.old.get(l.from[0]!) : undefined;
  }

  private describe(layer: GraphLayer, vars: TargetVariable[]): LayerInfo {
    const kernel = KERNEL_LAYERS.has(layer.className) ? vars.find((v) => slot(v) === 'kernel') : undefined;
    const inserted = vars.every((v) => !this.source(v));
    const info: LayerInfo = { layer, vars, inserted, identity: false, ...(kernel ? { kernel } : {}) };
    if (inserted) {
      const s = kernel?.shape;
      info.identity = layer.className === 'BatchNormalization' || (!!s && s.length >= 2 && s[s.length - 1] === s[s.length - 2] && keepsShape(layer, s));
      return info;
    }
    const oldKernel = kernel && this.source(kernel);
    if (!kernel || !oldKernel || oldKernel.shape.length !== kernel.shape.length) return info;
    info.oldKernel = oldKernel;
    const out = kernel.shape.length - 1;
    const n = oldKernel.shape[out]!;
    const m = kernel.shape[out]!;
    if (m > n && n > 0) {
      const mapping = widenMapping(n, m, this.linkTo.get(kernel.name)?.transforms, out, this.options.seed, this.options.mapping);
      info.widened = { layer: layer.name, from: n, to: m, mapping };
    }
    return info;
  }

  /** The channel map a layer's own weights give its output (undefined: a layer without weights, for graph.ts). */
  private weighted = (layer: GraphLayer, input: () => MapResult): MapResult | undefined => {
    const info = this.infos.get(layer.name);
    if (!info) return undefined;
    if (info.widened) return { ok: true, value: { map: info.widened.mapping, old: info.widened.from } };
    if (info.identity || layer.className === 'BatchNormalization') return input();
    if (info.kernel) return { ok: true, value: null };
    const r = input();
    if (!r.ok || isIdentityMap(r.value)) return r;
    return { ok: false, reason: `${layer.name} (${layer.className}) has weights that read widened channels, and Graft can follow copied units only into Dense, Conv and BatchNormalization layers` };
  };

  private mapOf(name: string | undefined): MapResult {
    return name === undefined ? { ok: true, value: null } : channelMap(this.graph, name, this.weighted, this.seen);
  }

  private refuse(reason: string): void {
    if (!this.result.refused.includes(reason)) this.result.refused.push(reason);
  }

  private add(v: TargetVariable, from: string[], transforms: Transform[], reason: string): void {
    this.result.links.push({ from, to: v.name, transforms, reason });
  }

  /** Steps that make `old` [.., in, out] read the channels `input` carries: divide-replicated on the input axis. */
  private incoming(info: LayerInfo, input: ChannelMap, shape: number[]): Transform[] | null {
    const ax = shape.length - 2;
    const want = info.kernel!.shape[ax]!;
    if (!input.flattened) {
      if (shape[ax] !== input.old || want !== input.map.length) {
        this.refuse(`${info.layer.name} reads ${input.old} → ${input.map.length} widened channels, but its kernel goes from ${shape[ax]} to ${want} inputs`);
        return null;
      }
      return [{ op: 'divide-replicated', axis: ax, mapping: input.map }];
    }
    const spatial = shape[0]! / input.old;
    if (info.layer.className !== 'Dense' || !Number.isInteger(spatial) || want !== spatial * input.map.length) {
      this.refuse(`${info.layer.name} reads a Flatten of widened channels, but its kernel's ${shape[0]} → ${want} inputs are not positions × ${input.old} → ${input.map.length} channels`);
      return null;
    }
    const out = shape[1]!;
    return [
      { op: 'reshape', shape: [spatial, input.old, out] },
      { op: 'divide-replicated', axis: 1, mapping: input.map },
      { op: 'reshape', shape: [spatial * input.map.length, out] },
    ];
  }

  private widen(info: LayerInfo): void {
    const input = this.mapOf(info.layer.inputs[0]);
    if (!input.ok) return this.refuse(input.reason);
    const changed = !isIdentityMap(input.value);
    if (info.kernel && info.oldKernel && (info.widened || changed)) {
      const out = info.kernel.shape.length - 1;
      const steps: Transform[] = [];
      let shape = [...info.oldKernel.shape];
      if (info.widened) {
        steps.push({ op: 'net2wider', axis: out, mapping: info.widened.mapping, ...(this.options.noise > 0 ? { noise: this.options.noise } : {}) });
        shape[out] = info.widened.to;
      }
      if (changed) {
        const more = this.incoming(info, input.value!, shape);
        if (!more) return;
        steps.push(...more);
        shape = [...info.kernel.shape];
      }
      const what = [info.widened ? `copies units for ${info.widened.from} → ${info.widened.to}` : '', changed ? 'divides inputs by their copy count' : ''].filter(Boolean).join(', ');
      this.add(info.kernel, [info.oldKernel.name], steps, `keep the function: ${what}`);
    }
    for (const v of info.vars) {
      if (v === info.kernel) continue;
      const src = this.source(v);
      const map = info.widened?.mapping ?? (info.layer.className === 'BatchNormalization' && changed ? input.value!.map : undefined);
      if (!src || !map || v.shape.length !== 1) continue;
      if (src.shape[0] !== (info.widened?.from ?? input.value!.old)) {
        this.refuse(`${v.name} has ${src.shape[0]} old entries, not one per old unit`);
        continue;
      }
      this.add(v, [src.name], [{ op: 'net2wider', axis: 0, mapping: map }], `keep the function: follows its units' copies`);
    }
  }

  /** A layer Graft cannot widen by copies (an Embedding, an RNN) whose output grew: the function would change. */
  private grewElsewhere(info: LayerInfo): void {
    for (const v of info.vars) {
      const src = this.source(v);
      if (src && src.shape.length === v.shape.length && v.shape.length > 0 && src.shape.at(-1)! < v.shape.at(-1)!) {
        return this.refuse(`${info.layer.name} (${info.layer.className}) grew from ${src.shape.at(-1)} to ${v.shape.at(-1)}, and Graft keeps the function only for widened Dense and Conv layers`);
      }
    }
  }

  private deepen(info: LayerInfo): void {
    const { layer } = info;
    if (layer.className === 'BatchNormalization') {
      const eps = typeof layer.config.epsilon === 'number' ? layer.config.epsilon : 1e-3;
      const values: Record<string, number> = { gamma: 1, beta: 0, moving_mean: 0, moving_variance: identityVariance(eps) };
      for (const v of info.vars) {
        const value = values[slot(v)];
        if (value !== undefined) this.add(v, [], [{ op: 'constant', shape: v.shape, dtype: v.dtype, value }], 'keep the function: inserted batch norm as identity');
      }
    } else {
      for (const v of info.vars) {
        const t: Transform = v === info.kernel ? { op: 'identity', shape: v.shape, dtype: v.dtype } : { op: 'constant', shape: v.shape, dtype: v.dtype, value: 0 };
        this.add(v, [], [t], 'keep the function: inserted layer as identity');
      }
      const act = layer.config.activation;
      const name = typeof act === 'string' ? act : typeof act === 'object' && act ? String((act as { config?: { name?: unknown } }).config?.name ?? 'an activation') : 'linear';
      if (name === 'relu') this.result.notes.push(`${layer.name} applies relu after its identity kernel: the function is kept only where its inputs are already non-negative (after a ReLU)`);
      else if (name !== 'linear') this.result.notes.push(`${layer.name} applies ${name} after its identity kernel, which changes the function`);
    }
    this.result.deepened.push(layer.name);
  }

  run(): KeepFunctionResult {
    for (const info of this.infos.values()) if (info.widened) this.result.widened.push(info.widened);
    for (const info of this.infos.values()) {
      if (info.identity) this.deepen(info);
      else if (!info.inserted) this.widen(info);
      if (!info.inserted && !info.kernel && info.layer.className !== 'BatchNormalization') this.grewElsewhere(info);
    }
    for (const out of this.graph.outputs) {
      const r = this.mapOf(out);
      if (!r.ok) this.refuse(r.reason);
      else if (!isIdentityMap(r.value)) this.refuse(`widened units reach the model's output ${out}, which would change its shape`);
    }
    if (this.result.refused.length) this.result.links = this.result.links.filter((l) => l.from.length === 0);
    if (this.options.noise > 0 && this.result.widened.length) this.result.notes.push(`noise ${this.options.noise} on the copied units breaks their symmetry, so the function is kept only approximately`);
    return this.result;
  }
}

/** The links that keep the function of `target` grown from the model `recipe` maps (see the module comment). */
export function keepFunction(recipe: Recipe, old: { tensors: readonly TensorInfo[] }, target: Pick<TargetModel, 'variables' | 'topology'>, options: KeepFunctionOptions = {}): KeepFunctionResult {
  const graph = layerGraph(target.topology);
  if (!graph) return { links: [], widened: [], deepened: [], notes: [], refused: ['the new model has no Keras layer graph, so Graft cannot tell which layer reads a widened one'] };
  const opts = { mapping: options.mapping ?? 'random', noise: options.noise ?? 0, seed: recipe.seed };
  return new Grower(graph, recipe, new Map(old.tensors.map((t) => [t.name, t])), target.variables, opts).run();
}

/** `recipe` with `result`'s links in place of the links to the same variables (the rest kept as they were). */
export function withKeepFunction(recipe: Recipe, result: Pick<KeepFunctionResult, 'links'>): Recipe {
  const by = new Map(result.links.map((l) => [l.to, l]));
  const links = recipe.links.map((l) => by.get(l.to) ?? l);
  const have = new Set(recipe.links.map((l) => l.to));
  return { ...recipe, links: [...links, ...result.links.filter((l) => !have.has(l.to))] };
}
