/**
 * What the generated script needs to write its output as Graft's writer wrote it: the writer function, the data
 * that fixes where each variable goes (computed here with the functions Graft's writers use), and how OUT is named.
 */
import { safetensorsNames } from '../formats/safetensors/names';
import { tfjsStorage } from '../formats/tfjs/dtypes';
import type { ManifestEntry } from '../formats/tfjs/manifest';
import { tfjsWeightNames } from '../formats/tfjs/names';
import { tfjsTopology } from '../formats/tfjs/topology';
import { TFJS_SHARD_BYTES } from '../formats/tfjs/write';
import type { OutputFormat } from '../formats/writers';
import { keras3Placements, legacyLayers, legacyPlacements, weightlessSlots, type KerasTensorSpec } from '../formats/keras-h5/placements';
import { usesObjectLayout } from '../formats/tf-bundle/object-layout';
import type { DType } from '../model/dtypes';
import type { TargetModel, TargetVariable } from '../model/target-model';
import { topologyModelConfig } from '../model/target/detect';
import { pyLiteral, pyStr } from './python-literal';
import { PY_WRITE_COMMON, PY_WRITE_KERAS, PY_WRITE_PYTORCH, PY_WRITE_SAFETENSORS, PY_WRITE_TF_NAMES, PY_WRITE_TF_OBJECTS, PY_WRITE_TFJS } from './python-runtime-write';

export interface OutputLayout {
  /** The Python writer functions. */
  code: string[];
  /** Constants the writer reads. */
  constants: string[];
  /** `write_...(values, path)`: the call that writes the output, with the values' iterable as `values`. */
  write: string;
  /** Python: OUT as given → the path written (the same naming as Graft's outputFileName). */
  outputPath: string;
  /** OUT, for the usage line. */
  usage: string;
  /** The Python packages the writer imports. */
  packages: string[];
}

const parentOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

const NATIVE_H5 = new Set<DType>(['float16', 'float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

/** How a dtype is stored in Keras HDF5 by Graft's writer: native, bfloat16 as an opaque 2-byte type or widened, others as unsigned of the same size. */
function h5Storage(dtype: DType, layout: 'keras3' | 'legacy'): [string, string | null] {
  if (NATIVE_H5.has(dtype)) return ['native', null];
  if (dtype === 'bfloat16') return layout === 'keras3' ? ['opaque', 'bfloat16'] : ['float32', null];
  return ['unsigned', dtype];
}

/** Where Graft's Keras writer puts every variable, and the attributes it writes on the root and on groups. */
export function kerasLayout(variables: readonly TargetVariable[], layout: 'keras3' | 'legacy', topology: unknown): { rootAttrs: [string, string | string[]][]; groupAttrs: [string, string, string | string[]][]; datasets: Record<string, [string, string, string | null]> } {
  const specs: KerasTensorSpec[] = variables.map((v) => ({ ...v }));
  const datasets: Record<string, [string, string, string | null]> = {};
  if (layout === 'keras3') {
    const placements = keras3Placements(specs);
    const varsNames = new Map<string, string>();
    for (const p of placements) varsNames.set(parentOf(p.dataset), p.layer);
    const config = topologyModelConfig(topology);
    const configName = config && typeof (config.config as { name?: unknown } | undefined)?.name === 'string' ? (config.config as { name: string }).name : undefined;
    if (!varsNames.has('vars')) varsNames.set('vars', configName ?? 'model');
    const owners = new Set(specs.map((t) => t.layer));
    for (const w of weightlessSlots(topology)) if (!owners.has(w.name) && !varsNames.has(`${w.slot}/vars`)) varsNames.set(`${w.slot}/vars`, w.name);
    placements.forEach((p, i) => (datasets[p.name] = [p.dataset, ...h5Storage(specs[i]!.dtype, layout)]));
    return { rootAttrs: [], groupAttrs: [...varsNames].map(([group, name]) => [group, 'name', name]), datasets };
  }
  const placements = legacyPlacements(specs, topology);
  const entries = legacyLayers(placements, specs);
  placements.forEach((p, i) => (datasets[p.name] = [p.dataset, ...h5Storage(specs[i]!.dtype, layout)]));
  return {
    rootAttrs: [['backend', 'tensorflow'], ['keras_version', '2.15.0'], ['layer_names', entries.map((e) => e.layer).filter((l) => l !== 'optimizer_weights')]],
    groupAttrs: entries.map((e) => [e.layer, 'weight_names', e.weightNames]),
    datasets,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The model.json Graft's TF.js writer writes (tfjs/write.ts `modelJson`), with no shard names yet, and how each
 * variable is stored: its manifest dtype and whether it is float16-quantized, or null where it is left out.
 */
export async function tfjsLayout(target: TargetModel, variables: readonly TargetVariable[]): Promise<{ modelJson: string; stored: Record<string, [string, boolean] | null> }> {
  const names = await tfjsWeightNames(target, target.topology);
  const stored: Record<string, [string, boolean] | null> = {};
  const weights: ManifestEntry[] = [];
  for (const v of variables) {
    const storage = tfjsStorage(v.dtype, v.name, 'model.json');
    const name = names?.has(v.name) ? names.get(v.name)! : v.name;
    if (!storage || name === null) {
      stored[v.name] = null;
      continue;
    }
    stored[v.name] = [storage.dtype, storage.quantization !== undefined];
    weights.push({ name, shape: v.shape, dtype: storage.dtype, ...(storage.quantization && { quantization: storage.quantization }) });
  }
  const given = target.topology;
  const whole = isObject(given) && ('modelTopology' in given || 'weightsManifest' in given) ? given : null;
  const converted = tfjsTopology(whole ? whole.modelTopology : given, 'model.json').topology;
  const modelTopology = whole ? { ...whole, modelTopology: converted } : converted;
  const wholeModel = isObject(modelTopology) && ('modelTopology' in modelTopology || 'weightsManifest' in modelTopology) ? modelTopology : null;
  const topology = wholeModel ? wholeModel.modelTopology : modelTopology;
  const graph = target.source === 'tfjs-graph' || wholeModel?.format === 'graph-model' || (isObject(topology) && Array.isArray(topology.node));
  const model: Record<string, unknown> = {
    format: graph ? 'graph-model' : 'layers-model',
    generatedBy: typeof wholeModel?.generatedBy === 'string' ? wholeModel.generatedBy : 'Graft',
    convertedBy: 'Graft',
  };
  if (topology !== undefined) model.modelTopology = topology;
  if (wholeModel) for (const [k, v] of Object.entries(wholeModel)) if (!(k in model) && k !== 'weightsManifest' && k !== 'modelTopology') model[k] = v;
  model.weightsManifest = [{ paths: [], weights }];
  return { modelJson: JSON.stringify(model), stored };
}

/** Python: OUT with Graft's suffix rule (strip any of `strip`, add `suffix`). */
const suffixed = (suffix: string, ...strip: string[]) =>
  `def output_path(out):\n    for ending in ${pyLiteral(strip)}:\n        if out.endswith(ending):\n            out = out[:-len(ending)]\n            break\n    return out + ${pyStr(suffix)}`;

const AS_IS = 'def output_path(out):\n    return out';

function tfOutput(target: TargetModel, variables: readonly TargetVariable[]): OutputLayout {
  const usage = 'the output checkpoint prefix (writes OUT.index and OUT.data-00000-of-00001)';
  if (!usesObjectLayout(target)) {
    return { code: [PY_WRITE_TF_NAMES], constants: [], write: 'write_tf_names(values, path)', outputPath: AS_IS, usage, packages: ['tensorflow'] };
  }
  const paths = variables.map((v) => `    ${pyStr(v.name)}: ${pyStr(v.trackablePath!)},`);
  return {
    code: [PY_WRITE_TF_OBJECTS],
    constants: ['# Where Keras 3 keeps each variable in the model\'s object graph: the checkpoint keys are model/<path>/.ATTRIBUTES/VARIABLE_VALUE.', 'TRACKABLE_PATHS = {', ...paths, '}'],
    write: 'write_tf_objects(values, path)',
    outputPath: AS_IS,
    usage: `${usage}, object-based: tf.train.Checkpoint(model=model).restore(OUT)`,
    packages: ['tensorflow'],
  };
}

function kerasOutput(format: 'keras' | 'keras-legacy', target: TargetModel, variables: readonly TargetVariable[]): OutputLayout {
  const layout = kerasLayout(variables, format === 'keras' ? 'keras3' : 'legacy', target.topology);
  const datasets = Object.entries(layout.datasets).map(([name, d]) => `        ${pyStr(name)}: ${pyLiteral(d)},`);
  return {
    code: [PY_WRITE_COMMON, PY_WRITE_KERAS],
    constants: [
      '# Where Graft\'s Keras writer puts each variable: name -> (dataset path, storage, the "dtype" attribute written beside it).',
      'KERAS_LAYOUT = {',
      `    "root_attrs": ${pyLiteral(layout.rootAttrs)},`,
      `    "group_attrs": ${pyLiteral(layout.groupAttrs)},`,
      '    "datasets": {',
      ...datasets,
      '    },',
      '}',
    ],
    write: 'write_keras(values, path)',
    outputPath: format === 'keras' ? suffixed('.weights.h5', '.weights.h5', '.h5') : suffixed('.h5', '.weights.h5', '.h5'),
    usage: format === 'keras' ? 'the output Keras 3 weights file (.weights.h5 is added if missing)' : 'the output legacy Keras weights file (.h5)',
    packages: ['h5py'],
  };
}

async function tfjsOutput(target: TargetModel, variables: readonly TargetVariable[]): Promise<OutputLayout> {
  const layout = await tfjsLayout(target, variables);
  return {
    code: [PY_WRITE_TFJS],
    constants: [
      '# How each variable is stored in the TF.js weights: name -> (manifest dtype, float16-quantized), or None where',
      '# TF.js cannot hold it (left out, as Graft leaves it out).',
      'TFJS_WEIGHTS = {',
      ...Object.entries(layout.stored).map(([name, s]) => `    ${pyStr(name)}: ${pyLiteral(s)},`),
      '}',
      `TFJS_SHARD_BYTES = ${TFJS_SHARD_BYTES}`,
      '# model.json exactly as Graft wrote it, but for the shard names (they depend on the total size).',
      `TFJS_MODEL_JSON = ${pyStr(layout.modelJson)}`,
    ],
    write: 'write_tfjs(values, path)',
    outputPath: AS_IS,
    usage: 'the output folder (model.json and group1-shard*.bin)',
    packages: [],
  };
}

/** Safetensors: each variable under the tensor name Graft's writer gives it (safetensorsNames: Keras 3's paths). */
function safetensorsOutput(target: TargetModel, variables: readonly TargetVariable[]): OutputLayout {
  const names = safetensorsNames(target);
  const renamed = variables.filter((v) => names?.has(v.name));
  return {
    code: [PY_WRITE_COMMON, PY_WRITE_SAFETENSORS],
    constants: renamed.length === 0 ? [] : [
      "# The tensor name of each variable whose name in the file differs (Keras 3's variable.path).",
      'SAFETENSORS_NAMES = {',
      ...renamed.map((v) => `    ${pyStr(v.name)}: ${pyStr(names!.get(v.name)!)},`),
      '}',
    ],
    write: renamed.length === 0 ? 'write_safetensors(values, path)' : 'write_safetensors(((SAFETENSORS_NAMES.get(name, name), value) for name, value in values), path)',
    outputPath: suffixed('.safetensors', '.safetensors'),
    usage: 'the output .safetensors file',
    packages: ['safetensors'],
  };
}

const OUTPUTS: Record<OutputFormat, (target: TargetModel, variables: readonly TargetVariable[]) => OutputLayout | Promise<OutputLayout>> = {
  tf: tfOutput,
  safetensors: safetensorsOutput,
  keras: (target, variables) => kerasOutput('keras', target, variables),
  'keras-legacy': (target, variables) => kerasOutput('keras-legacy', target, variables),
  pytorch: () => ({ code: [PY_WRITE_PYTORCH], constants: [], write: 'write_pytorch(values, path)', outputPath: suffixed('.pt', '.pt', '.pth', '.bin'), usage: 'the output PyTorch state dict (.pt is added if missing)', packages: ['torch'] }),
  tfjs: tfjsOutput,
};

/**
 * The output side of the script for `format`. `variables` are the new model's variables as the export wrote them
 * (the format's view of the target, in the plan's order).
 */
export async function outputLayout(format: OutputFormat, target: TargetModel, variables: readonly TargetVariable[]): Promise<OutputLayout> {
  return OUTPUTS[format](target, variables);
}
