/**
 * The one line of code that loads an export into the new model, for the format and the kind of new model: what
 * the page's export dialog shows and `graft apply` prints after writing. `file` is the output as the person got it
 * (the TF prefix, the model.json, the single file).
 */
import type { TargetModel } from '../model/target-model';
import { usesObjectLayout } from './tf-bundle/object-layout';
import type { OutputFormat } from './writers';

export function howToLoad(format: OutputFormat, target: TargetModel, file: string): string {
  const q = JSON.stringify(file);
  switch (format) {
    case 'tf':
      if (usesObjectLayout(target)) return `tf.train.Checkpoint(model=model).restore(${q}).assert_existing_objects_matched()`;
      if (target.source !== 'tf-graph') return `tf.compat.v1.train.Saver().restore(sess, ${q})  # in the new graph, after building it`;
      return target.label === 'saved_model.pb'
        ? `tf.compat.v1.saved_model.load(sess, ["serve"], SAVED_MODEL_DIR); tf.compat.v1.train.Saver().restore(sess, ${q})`
        : `saver = tf.compat.v1.train.import_meta_graph(${JSON.stringify(target.label)}); saver.restore(sess, ${q})`;
    case 'tfjs':
      if (target.source === 'tfjs-graph') return `const model = await tf.loadGraphModel(${q});`;
      return target.topology !== undefined
        ? `const model = await tf.loadLayersModel(${q});`
        : `const weights = tf.io.decodeWeights(weightData, modelJson.weightsManifest.flatMap((g) => g.weights));  // ${file}`;
    case 'keras':
    case 'keras-legacy':
      return `model.load_weights(${q})`;
    case 'safetensors': {
      // A sharded output (model.safetensors.index.json): every shard the index names, merged.
      const load = file.endsWith('.index.json')
        ? `{k: v for f in sorted(set(json.load(open(${q}))["weight_map"].values())) for k, v in safetensors.numpy.load_file(os.path.join(os.path.dirname(${q}), f)).items()}`
        : `safetensors.numpy.load_file(${q})`;
      return target.topology !== undefined
        ? `weights = ${load}; [v.assign(weights[f"{l.name}/{v.name}"]) for l in model.layers for v in l.weights]`
        : `weights = ${load}  # or safetensors.torch.load_file(...) → model.load_state_dict(weights)`;
    }
    case 'pytorch':
      return `model.load_state_dict(torch.load(${q}, weights_only=True))`;
  }
}
