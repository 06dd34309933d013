/** What kind of new-model JSON a text is. */
import { MODEL_CLASSES, isObject } from './keras-config';

export type ModelJsonKind = 'tfjs-layers' | 'tfjs-graph' | 'keras-json' | 'list';

export interface DetectedModelJson {
  kind: ModelJsonKind;
  /** `keras_version` where the file records it (`2.8.0`, `tfjs-layers 0.0.0`). */
  kerasVersion?: string;
  /** Sequential, Functional, Model for Keras configs. */
  modelClass?: string;
  /** Keras 3 serialisation (`module` / `registered_name` fields). */
  keras3?: boolean;
  /** How many weights the TF.js manifest or the list names. */
  count?: number;
}

/** The Keras model config inside a TF.js `modelTopology` (`{model_config: ...}` or the config itself). */
export function topologyModelConfig(topology: unknown): Record<string, unknown> | null {
  if (!isObject(topology)) return null;
  const inner = isObject(topology.model_config) ? topology.model_config : topology;
  return typeof inner.class_name === 'string' ? inner : null;
}

function manifestCount(manifest: unknown): number | undefined {
  if (!Array.isArray(manifest)) return undefined;
  return manifest.reduce((n: number, g) => n + (isObject(g) && Array.isArray(g.weights) ? g.weights.length : 0), 0);
}

/** Classifies parsed JSON; null when it is none of the new-model forms. */
export function detectParsed(json: unknown): DetectedModelJson | null {
  if (Array.isArray(json)) {
    const ok = json.length > 0 && json.every((e) => isObject(e) && typeof e.name === 'string' && Array.isArray(e.shape));
    return ok ? { kind: 'list', count: json.length } : null;
  }
  if (!isObject(json)) return null;
  if ('modelTopology' in json || 'weightsManifest' in json) {
    const topology = json.modelTopology;
    const count = manifestCount(json.weightsManifest);
    const graph = json.format === 'graph-model' || (isObject(topology) && Array.isArray(topology.node));
    if (graph) return { kind: 'tfjs-graph', ...(count !== undefined && { count }) };
    const config = topologyModelConfig(topology);
    if (!config) return null;
    const version = isObject(topology) && typeof topology.keras_version === 'string' ? topology.keras_version : undefined;
    return { kind: 'tfjs-layers', modelClass: config.class_name as string, ...(version && { kerasVersion: version }), ...(count !== undefined && { count }) };
  }
  const config = topologyModelConfig(json);
  if (config && MODEL_CLASSES.has(config.class_name as string)) {
    const version = typeof json.keras_version === 'string' ? json.keras_version : undefined;
    return {
      kind: 'keras-json',
      modelClass: config.class_name as string,
      keras3: 'module' in config || 'registered_name' in config,
      ...(version && { kerasVersion: version }),
    };
  }
  return null;
}

/** What kind of new-model JSON `text` is, or null (not JSON, or not a model). Never throws. */
export function detectModelJson(text: string): DetectedModelJson | null {
  try {
    return detectParsed(JSON.parse(text));
  } catch {
    return null;
  }
}
