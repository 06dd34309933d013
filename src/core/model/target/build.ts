/**
 * `buildTarget`: the one entry point from a new model's JSON text (TF.js layers or graph model.json, a Keras model
 * JSON in any of its forms, or a plain list of variables) to a TargetModel whose variables produce default values.
 */
import { GraftError } from '../../errors';
import { clip } from '../../io/untrusted';
import { type DType, ELEMENT_SIZE, elementCount } from '../dtypes';
import { classifyVariable } from '../naming';
import type { InitializerSpec, TargetModel, TargetVariable } from '../target-model';
import type { BuildContext } from './build-layers';
import { type DetectedModelJson, detectParsed, topologyModelConfig } from './detect';
import { encodeValues } from './encode';
import { initializerFromConfig, initializerProblem, valuesFor } from './initializers';
import { locateJsonError } from './json-error';
import { type Config, findKey, isObject, looksLikeKeras1, parseModel, variableDtype } from './keras-config';
import { checkJsonDepth, shapeProblem } from './limits';
import { deriveSeed } from './random';
import { buildModel } from './build-layers';

export interface TargetInput {
  /** The JSON text: model.json, a Keras model JSON (`to_json()`, `.keras` config.json, `.h5` model_config), or a list. */
  text: string;
  /** Shown in every message about this input. */
  fileName: string;
}

const DTYPES = new Set(Object.keys(ELEMENT_SIZE));

/** Python's json writes NaN/Infinity, which JSON.parse refuses; they never matter for variables. */
const PYTHON_NUMBERS = /(?<=[:[,]\s*)-?(?:NaN|Infinity)(?=\s*[,\]}])/g;

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    const replaced = text.replace(PYTHON_NUMBERS, 'null');
    if (replaced !== text) {
      try {
        return JSON.parse(replaced);
      } catch {
        // report the original text's error below
      }
    }
    const at = locateJsonError(text);
    const where = at ? ` at line ${at.line}, column ${at.column} (found ${at.found})` : '';
    const sentence = text.trim() === '' ? 'the file is empty; expected a model JSON' : `is not valid JSON${where}; expected a model JSON`;
    throw new GraftError('corrupt', file, sentence, { cause: first });
  }
}

/** TF.js dtype names (manifest) to Graft's. */
function manifestDtype(d: unknown, file: string, name: string): DType {
  const s = typeof d === 'string' ? d.toLowerCase() : 'float32';
  if (!DTYPES.has(s)) throw new GraftError('unsupported', file, `variable ${name} has dtype ${String(d)}, which Graft does not know`);
  return s as DType;
}

function checkShape(shape: unknown, dtype: DType, file: string, name: string): number[] {
  const problem = shapeProblem(shape, dtype);
  if (problem) throw new GraftError('corrupt', file, `variable ${clip(name)} ${problem}`);
  return shape as number[];
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: DType;
}

function readManifest(manifest: unknown, file: string): ManifestEntry[] {
  if (manifest === undefined) return [];
  if (!Array.isArray(manifest)) throw new GraftError('corrupt', file, 'weightsManifest is not a list of weight groups');
  const out: ManifestEntry[] = [];
  for (const group of manifest) {
    const weights = isObject(group) ? group.weights : undefined;
    if (!Array.isArray(weights)) throw new GraftError('corrupt', file, 'a weightsManifest group has no weights list');
    for (const w of weights) {
      if (!isObject(w) || typeof w.name !== 'string') throw new GraftError('corrupt', file, 'a weightsManifest entry has no name');
      const dtype = manifestDtype(w.dtype, file, w.name);
      out.push({ name: w.name, shape: checkShape(w.shape, dtype, file, w.name), dtype });
    }
  }
  return out;
}

function variable(name: string, dtype: DType, shape: number[], initializer: InitializerSpec, extra?: Partial<TargetVariable>): TargetVariable {
  const size = ELEMENT_SIZE[dtype];
  const { kind, group } = classifyVariable(name);
  // The fields the spreads `{..., ...classifyVariable(name), initializer, ...extra}` gave, in their order, without
  // copying objects: a list names tens of thousands of variables.
  const v: TargetVariable = { name, dtype, shape, byteLength: elementCount(shape) * size, kind, group, initializer };
  return extra ? Object.assign(v, extra) : v;
}

/** The config key Keras uses for a weight's initializer (`recurrent_kernel` → `recurrent_initializer`). */
const INITIALIZER_KEYS: Record<string, string> = {
  kernel: 'kernel_initializer', bias: 'bias_initializer', recurrent_kernel: 'recurrent_initializer',
  embeddings: 'embeddings_initializer', gamma: 'gamma_initializer', beta: 'beta_initializer',
  moving_mean: 'moving_mean_initializer', moving_variance: 'moving_variance_initializer',
  depthwise_kernel: 'depthwise_initializer', pointwise_kernel: 'pointwise_initializer', alpha: 'alpha_initializer',
};

/**
 * Variables the weights manifest lists but the topology did not build (a layer tfjs could not build, or a
 * manifest/topology disagreement): listed from the manifest, with the initializer from the layer's config when it
 * names one, else zeros.
 */
function reconcileManifest(manifest: ManifestEntry[], ctx: BuildContext, layers: Map<string, { className: string; config: Config }>): void {
  const built = new Map(ctx.variables.map((v) => [v.name, v]));
  const listed = new Set(manifest.map((m) => m.name));
  const zeroed: string[] = [];
  const perLayer = new Map<string, number>();
  for (const m of manifest) {
    const have = built.get(m.name);
    if (have) {
      if (have.shape.join(',') !== m.shape.join(',')) {
        ctx.warnings.push(`${m.name}: the topology builds shape [${have.shape.join(',')}] but the weights manifest stores [${m.shape.join(',')}]`);
      }
      continue;
    }
    const slash = m.name.lastIndexOf('/');
    const layerName = m.name.slice(0, Math.max(0, m.name.indexOf('/')));
    const weight = m.name.slice(slash + 1);
    const layer = layers.get(layerName);
    const fromConfig = layer ? initializerFromConfig(findKey(layer.config, INITIALIZER_KEYS[weight] ?? `${weight}_initializer`)) : null;
    if (!fromConfig) zeroed.push(m.name);
    const index = perLayer.get(layerName) ?? 0;
    perLayer.set(layerName, index + 1);
    const dtype = (layer && m.dtype === 'float32' && variableDtype(layer.config)) || m.dtype;
    ctx.variables.push(
      variable(m.name, dtype, m.shape, fromConfig ?? { kind: 'zeros' }, {
        ...(layerName && { layer: layerName }),
        ...(layer && { layerClass: layer.className, weightIndex: index }),
        ...(layer && { trainable: !/moving_(mean|variance)$/.test(m.name) && layer.config.trainable !== false }),
      }),
    );
  }
  if (zeroed.length) {
    ctx.warnings.push(`listed from the weights manifest with no initializer in the config (they start as zeros): ${zeroed.join(', ')}`);
  }
  for (const v of ctx.variables) {
    if (!listed.has(v.name)) ctx.warnings.push(`${v.name}: the topology creates it but the weights manifest does not store it`);
  }
}

async function fromKerasConfig(config: unknown, file: string, manifest: ManifestEntry[]): Promise<BuildContext> {
  const model = parseModel(config);
  if (!model) {
    const cls = isObject(config) ? String(config.class_name) : typeof config;
    throw new GraftError('unsupported', file, `the model config is a ${cls}; expected a Sequential or Functional Keras model with a list of layers`);
  }
  if (looksLikeKeras1(model)) {
    throw new GraftError('unsupported', file, 'is a Keras 1 model config (init=, output_dim=, nb_filter=), which tfjs cannot read; load it with Keras 2 or 3 and save its JSON again');
  }
  const ctx: BuildContext = { variables: [], warnings: [], failed: new Map() };
  await buildModel(model, null, true, ctx);
  if (manifest.length) {
    const layers = new Map<string, { className: string; config: Config }>();
    const walk = (m: typeof model) => {
      for (const l of m.layers) {
        layers.set(l.name, { className: l.className, config: l.config });
        const nested = parseModel({ class_name: l.className, config: l.config });
        if (nested) walk(nested);
      }
    };
    walk(model);
    reconcileManifest(manifest, ctx, layers);
  }
  return ctx;
}

function fromList(json: unknown[], file: string): TargetVariable[] {
  const seen = new Set<string>();
  return json.map((e, i) => {
    if (!isObject(e) || typeof e.name !== 'string') throw new GraftError('corrupt', file, `entry ${i} has no "name"; expected {"name", "shape", "dtype"}`);
    if (seen.has(e.name)) throw new GraftError('corrupt', file, `lists ${e.name} twice`);
    seen.add(e.name);
    const extra: Partial<TargetVariable> | undefined = typeof e.trainable === 'boolean' ? { trainable: e.trainable } : undefined;
    const dtype = manifestDtype(e.dtype, file, e.name);
    return variable(e.name, dtype, checkShape(e.shape, dtype, file, e.name), { kind: 'zeros' }, extra);
  });
}

/** Failed layers none of whose variables could be listed (a weights manifest may have listed them). */
function unbuiltOf(ctx: BuildContext): NonNullable<TargetModel['unbuilt']> {
  const listed = new Set(ctx.variables.map((v) => v.layer));
  return [...ctx.failed]
    .filter(([layer]) => !listed.has(layer))
    .map(([layer, f]) => ({ layer, className: f.className, reason: f.reason ?? 'Graft could not build it' }));
}

/** TF.js' own messages quote a layer's config whole; a hostile config makes them, and their number, unbounded. */
const MAX_SENTENCE = 1000;
const MAX_WARNINGS = 100;

function boundedWarnings(warnings: readonly string[]): string[] {
  const kept = warnings.slice(0, MAX_WARNINGS).map((w) => clip(w, MAX_SENTENCE));
  if (warnings.length > MAX_WARNINGS) kept.push(`… and ${warnings.length - MAX_WARNINGS} more warnings about this model`);
  return kept;
}

function makeTarget(source: TargetModel['source'], label: string, variables: TargetVariable[], warnings: string[], unbuilt: TargetModel['unbuilt'] = []): TargetModel {
  const byName = new Map<string, TargetVariable>();
  for (let i = 0; i < variables.length; i++) byName.set(variables[i]!.name, variables[i]!);
  for (const v of variables) {
    // Layers built from a config get their shapes from it (units=1e12); refused before any value is made.
    const bad = shapeProblem(v.shape, v.dtype);
    if (bad) throw new GraftError('unsupported', label, `variable ${clip(v.name)} ${bad}`);
    const problem = initializerProblem(v.initializer, v.shape);
    if (problem) warnings.push(`${v.name}: ${problem}; it starts as zeros`);
    if (ELEMENT_SIZE[v.dtype] === 0) warnings.push(`${v.name}: dtype ${v.dtype} has no default value; link it to an old variable`);
  }
  return {
    source,
    label,
    variables,
    warnings: boundedWarnings(warnings),
    ...(unbuilt.length > 0 && { unbuilt: unbuilt.map((u) => ({ layer: clip(u.layer), className: clip(u.className), reason: clip(u.reason, MAX_SENTENCE) })) }),
    async defaultValue(name, seed) {
      const v = byName.get(name);
      if (!v) throw new GraftError('not-found', label, `the new model has no variable named ${name}`);
      if (ELEMENT_SIZE[v.dtype] === 0) throw new GraftError('unsupported', label, `${name} has dtype ${v.dtype}, which has no default value; link it to an old variable`);
      try {
        const values = valuesFor(v.initializer, v.dtype, v.shape, deriveSeed(seed, name));
        return encodeValues(values, v.dtype, label, name);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        throw new GraftError('unsupported', label, `${clip(name)} (${v.shape.join('×')} ${v.dtype}) is too large to make its default value in memory (${e.message}); link it to an old variable`, { cause: e });
      }
    },
  };
}

async function build(json: unknown, detected: DetectedModelJson, file: string): Promise<TargetModel> {
  switch (detected.kind) {
    case 'list':
      return makeTarget('list', file, fromList(json as unknown[], file), []);
    case 'tfjs-graph': {
      const manifest = readManifest((json as Config).weightsManifest, file);
      const vars = manifest.map((m) => variable(m.name, m.dtype, m.shape, { kind: 'zeros' }));
      const warnings = vars.length ? ['a TF.js graph model records no initializers: variables not linked to old ones start as zeros'] : [];
      return makeTarget('tfjs-graph', file, vars, warnings);
    }
    case 'tfjs-layers': {
      const obj = json as Config;
      const manifest = readManifest(obj.weightsManifest, file);
      const ctx = await fromKerasConfig(topologyModelConfig(obj.modelTopology), file, manifest);
      return makeTarget('tfjs-layers', file, ctx.variables, ctx.warnings, unbuiltOf(ctx));
    }
    case 'keras-json': {
      const ctx = await fromKerasConfig(topologyModelConfig(json), file, []);
      return makeTarget('keras-json', file, ctx.variables, ctx.warnings, unbuiltOf(ctx));
    }
  }
}

/**
 * The new model described by `input.text`. Rejects with a GraftError naming the file: invalid JSON (with line and
 * column), JSON that is no model, a Keras 1 config, malformed manifests or lists. Layers Graft cannot build are
 * warnings and `unbuilt` on the result (`refuseUnbuilt` turns them into the error match and apply give).
 */
export async function buildTarget(input: TargetInput): Promise<TargetModel> {
  const json = parseJson(input.text, input.fileName);
  checkJsonDepth(json, input.fileName);
  const detected = detectParsed(json);
  if (!detected) {
    throw new GraftError(
      'not-recognised',
      input.fileName,
      'is JSON but not a model: expected a TF.js model.json, a Keras model JSON (model.to_json(), config.json of a .keras file) or a list of {"name", "shape", "dtype"}',
    );
  }
  const target = await build(json, detected, input.fileName);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return target;
  return { ...target, topology: (json as { modelTopology?: unknown }).modelTopology ?? json };
}

/**
 * Refuses a new model with layers Graft could not build: their variables are missing, so a merged checkpoint would
 * not load. The sentence names each layer and its class.
 */
export function refuseUnbuilt(target: TargetModel): void {
  const unbuilt = target.unbuilt ?? [];
  if (unbuilt.length === 0) return;
  const layers = unbuilt.map((u) => `${u.layer} (${u.className}): ${u.reason}`).join('; ');
  const one = unbuilt.length === 1;
  throw new GraftError(
    'unsupported',
    target.label,
    `Graft cannot build ${one ? 'layer' : `${unbuilt.length} layers`} ${layers} — without ${one ? 'its' : 'their'} variables the merged checkpoint would not load into this model`,
  );
}
