/**
 * One export, as the CLI and the page's worker both run it: the new model as the chosen format can hold it,
 * the plan, the writer, and the engine streaming every variable into it.
 */
import { createWriter, type OutputFormat } from '../formats/writers';
import type { Plan, Recipe } from '../mapping';
import type { Checkpoint } from '../model/checkpoint';
import type { TargetModel } from '../model/target-model';
import { execute, type ExecuteOptions, type ExecuteResult } from './execute';
import { exportPlan, targetForFormat } from './export-plan';
import { refuseUnbuilt } from '../model/target/build';
import type { CheckpointWriter, OutputFolder, OutputTensor } from '../io/output';

// Also where core/export/python.ts takes it from.
export { targetForFormat };

export interface ExportRequest extends Omit<ExecuteOptions, 'seed'> {
  old: Checkpoint;
  target: TargetModel;
  recipe: Recipe;
  format: OutputFormat;
  out: OutputFolder;
  /** The output's base name: the TF prefix's or the file's name. */
  name: string;
  seed?: number;
  /** tf and safetensors: shards of at most this many bytes (WriterOptions.maxShardBytes). */
  maxShardBytes?: number;
  /** Sees every tensor as the writer is handed it (before `add`), e.g. to hash it for a check of the written output. */
  onTensor?: (tensor: OutputTensor) => void;
  /** `exportPlan(recipe, old, target, format)`, where the caller made it already (`graft apply` checks it first). */
  plan?: Plan;
}

/** What an export did: the plan it ran, the engine's counts, and what the writer changed or left out to fit the format. */
export interface ExportOutcome {
  plan: Plan;
  result: ExecuteResult;
  notes: readonly string[];
  /** The key the writer stored each new variable under (FormatWriter.storedKeys). */
  storedKeys: ReadonlyMap<string, string>;
}

export async function exportCheckpoint(req: ExportRequest): Promise<ExportOutcome> {
  refuseUnbuilt(req.target);
  const target = targetForFormat(req.target, req.format);
  const plan = req.plan ?? exportPlan(req.recipe, req.old, req.target, req.format);
  const writer = await createWriter(req.format, {
    out: req.out,
    target,
    name: req.name,
    ...(req.maxShardBytes !== undefined ? { maxShardBytes: req.maxShardBytes } : {}),
    ...(target.topology !== undefined ? { modelTopology: target.topology } : {}),
  });
  // A writer that streams only in its own order (safetensors: offsets fixed by the header) says which.
  const rank = writer.order ? new Map(writer.order.map((n, i) => [n, i])) : undefined;
  const ordered = rank ? { ...plan, entries: [...plan.entries].sort((a, b) => (rank.get(a.to) ?? 0) - (rank.get(b.to) ?? 0)) } : plan;
  const { old, recipe, format, out, name, seed, maxShardBytes: _shards, onTensor, plan: _plan, ...options } = req;
  const tapped: CheckpointWriter = onTensor
    ? { add: (t) => (onTensor(t), writer.add(t)), finish: () => writer.finish(), get notes() { return writer.notes; } }
    : writer;
  const result = await execute(ordered, old, target, tapped, { ...options, seed: seed ?? recipe.seed });
  return { plan, result, notes: writer.notes ?? [], storedKeys: writer.storedKeys };
}
