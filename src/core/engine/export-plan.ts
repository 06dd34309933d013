/**
 * The plan an export runs, for its format: the page's summary, the export dialog's counts, `graft apply` and the
 * export itself all take it from `exportPlan`, so what the page shows is what the export writes.
 */
import type { OutputFormat } from '../formats/writers';
import { compile, type NewSide, type OldSide, type Plan, type Recipe } from '../mapping';
import { isSerializedObject } from '../model/naming';
import type { TargetModel } from '../model/target-model';

/**
 * The variables `format` can hold: serialised TF objects (the TF2 object graph, TF 2.0's OBJECT_CONFIG_JSON)
 * describe a TF checkpoint's own layout and mean nothing in any other format.
 */
export function variablesForFormat<V extends { name: string }>(variables: readonly V[], format: OutputFormat): readonly V[] {
  return format === 'tf' ? variables : variables.filter((v) => !isSerializedObject(v.name));
}

/** The new model as `format` can hold it (see `variablesForFormat`). */
export function targetForFormat(target: TargetModel, format: OutputFormat): TargetModel {
  const variables = variablesForFormat(target.variables, format);
  return variables.length === target.variables.length ? target : { ...target, variables: [...variables] };
}

/** The plan an export of `recipe` into `format` runs: `compile` over the variables that format holds. */
export function exportPlan(recipe: Recipe, old: OldSide, target: NewSide, format: OutputFormat): Plan {
  return compile(recipe, old, { variables: variablesForFormat(target.variables, format) });
}
