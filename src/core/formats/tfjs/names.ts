/**
 * The manifest names for a new model given as a checkpoint template that carries a Keras topology (a `.keras` file,
 * a full-model `.h5`). tfjs-layers' `loadWeights` finds each weight by the scoped name its own layers give it
 * (`dense/kernel`, `lstm/recurrent_kernel`, `inner_dense/kernel` inside a nested model) and refuses a file holding
 * any other name, while such templates name variables by their storage path (`layers/dense/vars/0`,
 * `model_weights/dense/dense/kernel:0`). The names tfjs will look up come from building the topology with tfjs
 * itself (`buildTarget`), which also knows each variable's Keras 3 path.
 */
import type { TargetModel } from '../../model/target-model';
import { buildTarget } from '../../model/target/build';
import { topologyModelConfig } from '../../model/target/detect';

/** Template variable name → manifest name, or null where the topology has no such weight (it is left out). */
export type TfjsNames = ReadonlyMap<string, string | null>;

/** The legacy `.h5` path of a weight, without the `model_weights/<layer>/` group and the `:0` suffix. */
const legacyName = (name: string) => /^model_weights\/[^/]+\/(.+?)(?::\d+)?$/.exec(name)?.[1];

/**
 * How each variable of a template `target` is named in TF.js weights of `topology`; undefined when the names need
 * no mapping (the new model is a model JSON, whose variables are already named as tfjs names them, or there is no
 * layers topology to write).
 */
export async function tfjsWeightNames(target: TargetModel, topology: unknown): Promise<TfjsNames | undefined> {
  const config = topologyModelConfig(topology);
  if (target.source !== 'checkpoint' || !config) return undefined;
  let built: TargetModel;
  try {
    built = await buildTarget({ text: JSON.stringify(config), fileName: target.label });
  } catch {
    return undefined; // a topology tfjs cannot read is written as it is, weights under their own names
  }
  const tfjsNames = new Set(built.variables.map((v) => v.name));
  const byKerasPath = new Map(built.variables.filter((v) => v.kerasPath).map((v) => [v.kerasPath!, v.name]));
  const names = new Map<string, string | null>();
  for (const v of target.variables) {
    const legacy = legacyName(v.name);
    // tf.keras (TF >= 2.2) names an RNN's weights `lstm/lstm_cell/kernel`; tfjs drops the cell, as loadWeights does.
    const candidates = [v.name, legacy, legacy?.replace(/\/[^/]+(\/[^/]+)$/, '$1')];
    names.set(v.name, byKerasPath.get(v.name) ?? candidates.find((n) => n !== undefined && tfjsNames.has(n)) ?? null);
  }
  return names;
}
