/**
 * One export, as the CLI and the page's worker both run it: the new model as the chosen format can hold it,
 * the plan, the writer, and the engine streaming every variable into it.
 */
import type { TfBundleCheckpoint } from '../formats/tf-bundle/bundle';
import { createWriter, type OutputFormat } from '../formats/writers';
import { compile, type Plan, type Recipe } from '../mapping';
import type { Checkpoint } from '../model/checkpoint';
import { isSerializedObject } from '../model/naming';
import type { TargetModel } from '../model/target-model';
import { targetFromCheckpoint } from '../model/target/from-checkpoint';
import { execute, type ExecuteOptions, type ExecuteResult } from './execute';
import type { OutputFolder } from '../io/output';

/**
 * A checkpoint as the new model's template. A TF bundle lists its variables in storage order (TF writes TF2
 * checkpoints in object-graph order, not key order), so an identity export rewrites it byte for byte.
 */
export function templateTarget(checkpoint: Checkpoint): TargetModel {
  const target = targetFromCheckpoint(checkpoint);
  if (checkpoint.format !== 'tf-bundle') return target;
  const bundle = checkpoint as TfBundleCheckpoint;
  const at = (name: string) => bundle.entry(name) ?? { shardId: 0, offset: 0 };
  const variables = [...target.variables].sort((a, b) => at(a.name).shardId - at(b.name).shardId || at(a.name).offset - at(b.name).offset);
  return { ...target, variables };
}

/**
 * The new model as `format` can hold it: serialised TF objects (the TF2 object graph, TF 2.0's
 * OBJECT_CONFIG_JSON) describe a TF checkpoint's own layout and mean nothing in any other format.
 */
export function targetForFormat(target: TargetModel, format: OutputFormat): TargetModel {
  if (format === 'tf') return target;
  const variables = target.variables.filter((v) => !isSerializedObject(v.name));
  return variables.length === target.variables.length ? target : { ...target, variables };
}

export interface ExportRequest extends Omit<ExecuteOptions, 'seed'> {
  old: Checkpoint;
  target: TargetModel;
  recipe: Recipe;
  format: OutputFormat;
  out: OutputFolder;
  /** The output's base name: the TF prefix's or the file's name. */
  name: string;
  seed?: number;
}

/** What an export did: the plan it ran, the engine's counts, and what the writer changed or left out to fit the format. */
export interface ExportOutcome {
  plan: Plan;
  result: ExecuteResult;
  notes: readonly string[];
}

export async function exportCheckpoint(req: ExportRequest): Promise<ExportOutcome> {
  const target = targetForFormat(req.target, req.format);
  const plan = compile(req.recipe, req.old, target);
  const writer = await createWriter(req.format, {
    out: req.out,
    target,
    name: req.name,
    ...(target.topology !== undefined ? { modelTopology: target.topology } : {}),
  });
  // A writer that streams only in its own order (safetensors: offsets fixed by the header) says which.
  const rank = writer.order ? new Map(writer.order.map((n, i) => [n, i])) : undefined;
  const ordered = rank ? { ...plan, entries: [...plan.entries].sort((a, b) => (rank.get(a.to) ?? 0) - (rank.get(b.to) ?? 0)) } : plan;
  const { old, recipe, format, out, name, seed, ...options } = req;
  const result = await execute(ordered, old, target, writer, { ...options, seed: seed ?? recipe.seed });
  return { plan, result, notes: writer.notes ?? [] };
}
