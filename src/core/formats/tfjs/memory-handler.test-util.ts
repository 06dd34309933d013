/**
 * Test support: a tf.io handler over files in memory that loads as tfjs' http and file handlers do (the manifest
 * groups' shards concatenated in order), so tests can run `tf.loadLayersModel` on what a writer produced.
 */
import type * as tf from '@tensorflow/tfjs';

export function memoryHandler(files: ReadonlyMap<string, Uint8Array>, modelPath: string): tf.io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(new TextDecoder().decode(files.get(modelPath)!)) as tf.io.ModelJSON;
      const dir = modelPath.includes('/') ? modelPath.slice(0, modelPath.lastIndexOf('/') + 1) : '';
      const specs: tf.io.WeightsManifestEntry[] = [];
      const parts: Uint8Array[] = [];
      for (const g of json.weightsManifest) {
        specs.push(...g.weights);
        for (const p of g.paths) parts.push(files.get(dir + p)!);
      }
      const data = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
      let at = 0;
      for (const p of parts) (data.set(p, at), (at += p.byteLength));
      return { modelTopology: json.modelTopology, format: json.format, weightSpecs: specs, weightData: data.buffer };
    },
  };
}
