/** Test helpers: variables and models as plain objects, the way readers and target builders give them. */
import type { TensorInfo } from '../model/checkpoint';
import { classifyVariable } from '../model/naming';
import type { DType } from '../model/dtypes';
import { ELEMENT_SIZE, elementCount } from '../model/dtypes';
import type { TargetModel, TargetVariable } from '../model/target-model';
import { compile, type Plan } from './plan';
import { autoMatch, type MatchOptions } from './match';
import { emptyRecipe, type Link, type Recipe } from './recipe';

export function tensor(name: string, shape: number[], extra: Partial<TensorInfo> = {}): TensorInfo {
  const dtype: DType = extra.dtype ?? 'float32';
  const cls = classifyVariable(name, extra.path ? { path: extra.path } : {});
  return { name, dtype, shape, byteLength: elementCount(shape) * ELEMENT_SIZE[dtype], kind: cls.kind, group: cls.group, ...extra };
}

/** A new-model variable; `layer`/`weightIndex` as a model-JSON target gives them. */
export function variable(name: string, shape: number[], extra: Partial<TargetVariable> = {}): TargetVariable {
  return { ...tensor(name, shape, extra), initializer: { kind: 'keras', className: 'GlorotUniform', config: {} }, ...extra };
}

/** Keras-named Dense layers `[layer, in, out]` as a model JSON gives them (in model order, with weight index). */
export function denseTarget(layers: [string, number, number][], source: TargetModel['source'] = 'keras-json'): TargetModel {
  const variables = layers.flatMap(([layer, i, o]) => [
    variable(`${layer}/kernel`, [i, o], { layer, layerClass: 'Dense', weightIndex: 0 }),
    variable(`${layer}/bias`, [o], { layer, layerClass: 'Dense', weightIndex: 1, initializer: { kind: 'keras', className: 'Zeros', config: {} } }),
  ]);
  return model(variables, source);
}

export function model(variables: TargetVariable[], source: TargetModel['source'] = 'keras-json'): TargetModel {
  return { source, label: 'new', variables, warnings: [], defaultValue: () => Promise.reject(new Error('not in tests')) };
}

/** The new model as a template checkpoint gives it. */
export function templateOf(tensors: TensorInfo[]): TargetModel {
  return model(tensors.map((t) => ({ ...t, initializer: { kind: 'template' } })), 'checkpoint');
}

export function run(old: TensorInfo[], target: TargetModel, recipe: Recipe = emptyRecipe(), options: MatchOptions = {}): { links: Link[]; plan: Plan; byTo: Map<string, Link> } {
  const m = autoMatch({ tensors: old }, target, recipe, options);
  const plan = compile(m.recipe, { tensors: old }, target);
  return { links: m.links, plan, byTo: new Map(m.recipe.links.map((l) => [l.to, l])) };
}

/** `to ← from [confidence]` lines, for compact assertions. */
export function summarise(links: readonly Link[]): string[] {
  return links.map((l) => `${l.to} ← ${l.from.join('+')} [${l.confidence ?? 'person'}]${l.transforms.length ? ' ' + l.transforms.map((t) => t.op).join(',') : ''}`);
}
