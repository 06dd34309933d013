/**
 * The parts of a TF.js `model.json` the reader needs: the weights manifest (groups of weight files whose bytes
 * are laid out concatenated, in `paths` order) and, for layers models, which layers are trainable.
 * Shapes follow tfjs-core `io/types.ts` (WeightsManifestConfig, WeightsManifestEntry).
 */
import { GraftError } from '../../errors';
import { clip, describeJson } from '../../io/untrusted';
import { checkJsonDepth } from '../../model/target/limits';

export interface TfjsQuantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  scale?: number;
  min?: number;
}

export interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  /** tfjs `WeightGroup`: 'model' | 'optimizer'. */
  group?: string;
  quantization?: TfjsQuantization;
}

export interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

export interface ModelJson {
  format?: string;
  modelTopology?: unknown;
  weightsManifest: ManifestGroup[];
  generatedBy?: string;
  convertedBy?: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The parsed model.json, or null when the text is not a TF.js model with a weights manifest. */
export function parseModelJson(path: string, text: string): ModelJson | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(json) || !Array.isArray(json.weightsManifest)) return null;
  const groups: ManifestGroup[] = [];
  json.weightsManifest.forEach((g: unknown, gi) => {
    if (!isObject(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights) || !g.paths.every((p) => typeof p === 'string')) {
      throw new GraftError('corrupt', path, `weightsManifest[${gi}] must have paths (file names) and weights`);
    }
    const weights = g.weights.map((w: unknown, wi): ManifestEntry => {
      if (!isObject(w) || typeof w.name !== 'string' || typeof w.dtype !== 'string' || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
        throw new GraftError('corrupt', path, `weightsManifest[${gi}].weights[${wi}] must have a name, a dtype and a shape of non-negative integers`);
      }
      const entry: ManifestEntry = { name: w.name, shape: w.shape as number[], dtype: w.dtype };
      if (typeof w.group === 'string') entry.group = w.group;
      if (w.quantization !== undefined && w.quantization !== null) {
        const q = w.quantization;
        if (!isObject(q) || (q.dtype !== 'uint8' && q.dtype !== 'uint16' && q.dtype !== 'float16')) {
          throw new GraftError('unsupported', path, `weight ${clip(w.name)}: quantization ${describeJson(q)} — TF.js quantizes to uint8, uint16 or float16`);
        }
        entry.quantization = { dtype: q.dtype };
        if (typeof q.scale === 'number') entry.quantization.scale = q.scale;
        if (typeof q.min === 'number') entry.quantization.min = q.min;
      }
      return entry;
    });
    groups.push({ paths: g.paths as string[], weights });
  });
  const out: ModelJson = { weightsManifest: groups };
  if (typeof json.format === 'string') out.format = json.format;
  if (json.modelTopology !== undefined) out.modelTopology = json.modelTopology;
  if (typeof json.generatedBy === 'string') out.generatedBy = json.generatedBy;
  if (typeof json.convertedBy === 'string' || json.convertedBy === null) out.convertedBy = json.convertedBy;
  return out;
}

/**
 * Layer name → its `trainable` flag, from a layers model's topology (`{class_name, config}` or, as the converter
 * writes it, `{model_config: {class_name, config}}`), nested models included.
 */
export function trainableLayers(topology: unknown): Map<string, boolean> {
  const out = new Map<string, boolean>();
  if (!isObject(topology)) return out;
  // An explicit stack: a file can nest models deeper than the call stack goes.
  const stack: [unknown, boolean][] = [[isObject(topology.model_config) ? topology.model_config : topology, true]];
  while (stack.length > 0) {
    const [layer, parentTrainable] = stack.pop()!;
    if (!isObject(layer)) continue;
    const config = isObject(layer.config) ? layer.config : undefined;
    if (!config) continue;
    const trainable = parentTrainable && config.trainable !== false;
    if (typeof config.name === 'string') out.set(config.name, trainable);
    const inner: unknown[] = [];
    if (Array.isArray(config.layers)) inner.push(...config.layers);
    if (isObject(config.layer)) inner.push(config.layer); // wrappers: TimeDistributed, Bidirectional
    for (let i = inner.length - 1; i >= 0; i--) stack.push([inner[i], trainable]);
  }
  return out;
}

/** `JSON.stringify(value)`, refusing a value nested deeper than any model first (JSON.stringify recurses). */
export function stringifyBounded(value: unknown, file: string): string {
  checkJsonDepth(value, file, 'the model topology');
  return JSON.stringify(value);
}

const NON_TRAINABLE = new Set(['moving_mean', 'moving_variance']);

/** Whether a weight is trainable, where the topology says: its layer is the last name segment that is a layer. */
export function weightTrainable(name: string, layers: Map<string, boolean>): boolean | undefined {
  const segs = name.split('/');
  for (let i = segs.length - 2; i >= 0; i--) {
    const t = layers.get(segs[i]!);
    if (t !== undefined) return t && !NON_TRAINABLE.has(segs[segs.length - 1]!);
  }
  return undefined;
}
