/**
 * The tensor names a safetensors output gives a new model's variables. A Keras 3 model JSON's variables are named as
 * TF.js (and Keras 2) name them, `layer/weight`; Keras 3 gives a few weights another name (a DepthwiseConv2D's
 * `depthwise_kernel` is `kernel`), so the file names each weight as Keras 3 does, under its layer:
 * `depthwise_conv2d/kernel`, what `f'{layer.name}/{variable.name}'` is in Keras 3.
 *
 * Not the whole `variable.path` (`kerasName`): Keras 3 gives one model different paths depending on how it was
 * made. Keras 3.15: a Sequential written in code builds its layers inside its name scope (`outer/d1/kernel`), the
 * same model from `model_from_json` / `load_model` does not (`d1/kernel`); a Bidirectional's or TimeDistributed's
 * inner layer loaded from JSON is not below the wrapper (`forward_gru/gru_cell/kernel`, where code gives
 * `bi/forward_gru/gru_cell/kernel`), and two wrappers of same-named layers then share paths. Layer-scoped names
 * are the same however the model was made, and unique.
 */
import type { TargetModel } from '../../model/target-model';
import { detectParsed } from '../../model/target/detect';

/** Variable name → tensor name where they differ. */
export type SafetensorsNames = ReadonlyMap<string, string>;

const leaf = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * For a Keras 3 model JSON, each variable whose weight Keras 3 names differently from TF.js, renamed to Keras 3's
 * name (its last `kerasName` segment in place of its own); undefined for any other model (Keras 2 and TF.js name
 * weights as TF.js does), when nothing differs, or when two variables would share a name.
 */
export function safetensorsNames(target: TargetModel): SafetensorsNames | undefined {
  if (target.source !== 'keras-json' || detectParsed(target.topology)?.keras3 !== true) return undefined;
  const names = new Map<string, string>();
  for (const v of target.variables) {
    if (v.kerasName === undefined || leaf(v.kerasName) === leaf(v.name)) continue;
    names.set(v.name, `${v.name.slice(0, v.name.lastIndexOf('/') + 1)}${leaf(v.kerasName)}`);
  }
  if (names.size === 0) return undefined;
  const all = new Set(target.variables.map((v) => names.get(v.name) ?? v.name));
  return all.size === target.variables.length ? names : undefined;
}
