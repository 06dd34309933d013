/**
 * Builds a Keras model's variables one layer at a time, so one layer Graft cannot build costs that layer (and, in
 * Keras 2 files, what depends on its shape), never the whole model. Common layers are built without TensorFlow.js
 * (build-fast.ts: the same variables TF.js gives them); the rest with tfjs-layers (build-tfjs.ts, loaded on first
 * need: 1.6 MB that the built-in example's first view no longer waits for) or the layer table.
 */
import type { TargetVariable } from '../target-model';
import { fastLayer } from './build-fast';
import { type TablePlace, firstSentence, placesIn, tableLayer, variableFreeOutputs } from './build-table';
import { type Config, type LayerSpec, MODEL_CLASSES, type ModelSpec, type Shape, type TensorRef, declaredInputShape, isObject, parseModel } from './keras-config';
import { TFJS_LACKS, tableFirst } from './keras-layer-weights';

export interface BuildContext {
  variables: TargetVariable[];
  warnings: string[];
  /** Layers whose variables could not be built: name → class and why (the caller may list them from a weights manifest). */
  failed: Map<string, { className: string; config: Config; reason?: string }>;
  /** `always`: every layer TF.js knows is built by TF.js, none by build-fast.ts (what build-fast.test.ts compares against). */
  tfjs?: 'always';
}

let tfjsBuilder: Promise<typeof import('./build-tfjs')> | null = null;

/** The TF.js layer builder, loaded once. */
export function loadTfjs(): Promise<typeof import('./build-tfjs')> {
  tfjsBuilder ??= import('./build-tfjs').catch((e: unknown) => {
    tfjsBuilder = null; // a chunk that failed to load is tried again at the next layer that needs it
    throw e;
  });
  return tfjsBuilder;
}

function addVariable(ctx: BuildContext, v: TargetVariable): void {
  if (ctx.variables.some((x) => x.name === v.name)) {
    ctx.warnings.push(`two layers create a variable named ${v.name}; only the first is listed`);
    return;
  }
  ctx.variables.push(v);
}

function failLayer(ctx: BuildContext, spec: LayerSpec, why: string): void {
  ctx.warnings.push(`layer ${spec.name} (${spec.className}) could not be built: ${why}`);
  ctx.failed.set(spec.name, { className: spec.className, config: spec.config, reason: why });
}

/** Builds any layer, nested models included; null output shapes when it could not be built. */
async function buildAny(spec: LayerSpec, inputs: Shape[], trainable: boolean, place: TablePlace, ctx: BuildContext): Promise<Shape[] | null> {
  const layerTrainable = trainable && spec.config.trainable !== false;
  if (MODEL_CLASSES.has(spec.className)) {
    const nested = parseModel({ class_name: spec.className, config: spec.config });
    if (!nested) {
      failLayer(ctx, spec, 'its config lists no layers');
      return null;
    }
    // A nested model's layers were built when it was made, outside the outer model's name scope.
    return buildModel(nested, inputs, layerTrainable, ctx, `${place.slot}/`, place.trackable === undefined ? undefined : `${place.trackable}/`);
  }
  const fast = ctx.tfjs === 'always' ? null : fastLayer(spec, inputs, layerTrainable, place);
  if (fast) {
    for (const v of fast.variables) addVariable(ctx, v);
    return fast.outputs;
  }
  // Classes TF.js lacks, and configs it builds unlike Keras, come from the table without loading TF.js.
  const tfjs = TFJS_LACKS.has(spec.className) || tableFirst(spec.className, spec.config) ? null : await loadTfjs();
  if (!tfjs?.knownToTfjs(spec.className)) {
    try {
      const table = tableLayer(spec, inputs, layerTrainable, place);
      if (table) {
        for (const v of table.variables) addVariable(ctx, v);
        return table.outputs;
      }
    } catch (e) {
      failLayer(ctx, spec, `its config does not build as Keras builds a ${spec.className}: ${firstSentence(e)}`);
      return null;
    }
    const free = variableFreeOutputs(spec.className, inputs);
    if (free === 'unknown') return null;
    if (free) return free;
    failLayer(ctx, spec, `${spec.className} is neither a Keras layer Graft knows nor a TensorFlow.js layer (a custom layer?)`);
    return null;
  }
  try {
    const built = await tfjs.buildWithTfjs(spec, inputs, layerTrainable, place);
    for (const v of built.variables) addVariable(ctx, v);
    return built.outputs;
  } catch (e) {
    failLayer(ctx, spec, `TensorFlow.js rejected its config: ${firstSentence(e)}`);
    return null;
  }
}

function specShapes(spec: LayerSpec): Shape[] | null {
  const b = spec.buildShape;
  if (!b) return null;
  return b.length > 0 && b.every((d) => Array.isArray(d)) ? (b as Shape[]) : [b as Shape];
}

async function buildSequential(model: ModelSpec, given: Shape[] | null, trainable: boolean, ctx: BuildContext, prefix: string, trackablePrefix: string | undefined, scope: string): Promise<Shape[] | null> {
  const at = placesIn(model, prefix, trackablePrefix, scope);
  let shape: Shape | null = model.inputShape ?? given?.[0] ?? null;
  let blame: string | null = null;
  for (const [i, layer] of model.layers.entries()) {
    if (layer.className === 'InputLayer') {
      shape = declaredInputShape(layer.config) ?? shape;
      continue;
    }
    if (i === 0 || (i === 1 && model.layers[0]!.className === 'InputLayer')) shape = declaredInputShape(layer.config) ?? shape;
    const inputs = specShapes(layer) ?? (shape ? [shape] : null);
    if (!inputs) {
      failLayer(ctx, layer, blame ? `its input comes from ${blame}, which could not be built, so its shape is unknown` : 'the model records no input shape (it was saved before it was built)');
      shape = null;
      continue;
    }
    const out = await buildAny(layer, inputs, trainable, at(layer.name), ctx);
    shape = out?.[0] ?? null;
    if (!out) blame = `layer ${layer.name}`;
  }
  return shape ? [shape] : null;
}

const key = (r: { layer: string; node: number; tensor: number }) => `${r.layer}:${r.node}:${r.tensor}`;

async function buildFunctional(model: ModelSpec, given: Shape[] | null, trainable: boolean, ctx: BuildContext, prefix: string, trackablePrefix: string | undefined, scope: string): Promise<Shape[] | null> {
  const at = placesIn(model, prefix, trackablePrefix, scope);
  const known = new Map<string, Shape | null>();
  const failedNodes = new Set<string>();
  const inputNames = new Set(model.inputs.map((r) => r.layer));
  let inputIndex = 0;
  for (const layer of model.layers) {
    if (layer.className !== 'InputLayer') continue;
    const declared = declaredInputShape(layer.config);
    const position = model.inputs.findIndex((r) => r.layer === layer.name);
    known.set(`${layer.name}:0:0`, given?.[position >= 0 ? position : inputIndex] ?? declared ?? null);
    inputIndex++;
  }
  const lookup = (r: TensorRef): Shape | null | undefined => {
    if (known.has(key(r))) return known.get(key(r));
    if (failedNodes.has(`${r.layer}:${r.node}`)) return r.shape ?? null;
    return r.shape && !model.layers.some((l) => l.name === r.layer) ? r.shape : undefined;
  };
  const built = new Map<string, boolean>();
  const pending = model.layers
    .filter((l) => l.className !== 'InputLayer' && !inputNames.has(l.name))
    .flatMap((l) => (l.inbound.length ? l.inbound.map((_, k) => ({ l, k })) : [{ l, k: 0 }]));
  let progress = true;
  while (pending.length && progress) {
    progress = false;
    for (let p = 0; p < pending.length; p++) {
      const { l, k } = pending[p]!;
      const refs = l.inbound[k] ?? [];
      const shapes = refs.map(lookup);
      if (shapes.some((s) => s === undefined)) continue;
      pending.splice(p--, 1);
      progress = true;
      const inputs = shapes.every((s) => s) ? (shapes as Shape[]) : specShapes(l);
      let out: Shape[] | null = null;
      if (!built.has(l.name)) {
        if (!inputs || inputs.length === 0) {
          const missing = refs.find((r, i) => !shapes[i]);
          failLayer(ctx, l, missing ? `its input comes from layer ${missing.layer}, whose output shape is unknown` : 'it has no inputs Graft can follow');
        } else {
          out = await buildAny(l, inputs, trainable, at(l.name), ctx);
        }
        built.set(l.name, out !== null);
      } else if (built.get(l.name) && inputs) {
        out = await reapply(l, inputs, ctx.tfjs);
      }
      if (out) out.forEach((s, t) => known.set(`${l.name}:${k}:${t}`, s));
      else failedNodes.add(`${l.name}:${k}`);
    }
  }
  for (const { l } of pending) {
    if (!built.has(l.name)) {
      built.set(l.name, false);
      failLayer(ctx, l, 'its inputs could not be traced through the model graph');
    }
  }
  const outs = model.outputs.map((r) => known.get(key(r)) ?? null);
  return outs.every((s) => s) ? (outs as Shape[]) : null;
}

/** Output shapes of a shared layer's later call: rebuild it aside (recording nothing) for those input shapes. */
async function reapply(spec: LayerSpec, inputs: Shape[], tfjs: BuildContext['tfjs']): Promise<Shape[] | null> {
  const scratch: BuildContext = { variables: [], warnings: [], failed: new Map(), ...(tfjs && { tfjs }) };
  return MODEL_CLASSES.has(spec.className) ? null : buildAny(spec, inputs, true, { slot: '', scope: '' }, scratch);
}

/**
 * Builds every layer of `model`. `prefix`: the model's slot in a Keras 3 weights file (`layers/sequential/`);
 * `trackablePrefix`: its object's path in a TF checkpoint (`_operations/2/`), `` for the outermost model.
 */
export function buildModel(model: ModelSpec, given: Shape[] | null, trainable: boolean, ctx: BuildContext, prefix = '', trackablePrefix: string | undefined = '', scope = ''): Promise<Shape[] | null> {
  const t = trainable && model.trainable;
  // A Sequential builds its layers inside its name scope (`seq/dense/kernel`); a Functional's are built outside it.
  if (model.kind === 'sequential') return buildSequential(model, given, t, ctx, prefix, trackablePrefix, `${scope}${model.name}/`);
  return buildFunctional(model, given, t, ctx, prefix, trackablePrefix, scope);
}

export { isObject };
