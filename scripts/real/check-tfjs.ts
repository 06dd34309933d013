/**
 * The TF.js half of `npm run test:real`: every TF.js output loads in the real @tensorflow/tfjs. Layers models
 * (Keras targets) through `tf.loadLayersModel` and `predict`, compared with what Keras computes from the same
 * weights (scripts/real/check.py wrote `expect-tfjs.json`); other outputs through `tf.io.decodeWeights`, compared
 * with the values the scenario expects.
 *   tsx scripts/real/check-tfjs.ts WORKDIR      → WORKDIR/check-tfjs.jsonl
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

interface Expect {
  x?: number[][];
  inputShape?: number[];
  y?: unknown[];
  values?: Record<string, number[]>;
  /** How far TF.js' predictions may be from Keras' (more where Keras computes in float16/bfloat16). */
  tolerance?: number;
}

interface Row {
  scenario: string;
  format: string;
  check: string;
  ok: boolean;
  detail: string;
}

/** model.json and its shards as TF.js' own `io.fromMemory` artifacts. */
function artifacts(folder: string): tf.io.ModelArtifacts {
  const model = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as { modelTopology?: object; format?: string; weightsManifest: tf.io.WeightsManifestConfig };
  const specs = model.weightsManifest.flatMap((g) => g.weights);
  const parts = model.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(folder, p))));
  const data = Buffer.concat(parts);
  return {
    ...(model.modelTopology ? { modelTopology: model.modelTopology } : {}),
    ...(model.format ? { format: model.format } : {}),
    weightSpecs: specs,
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
  };
}

function maxDifference(a: number[], b: number[]): number {
  if (a.length !== b.length) return Infinity;
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

async function checkFolder(folder: string, expect: Expect): Promise<string> {
  const art = artifacts(folder);
  const said: string[] = [];
  if (art.modelTopology && art.format !== 'graph-model') {
    const model = await tf.loadLayersModel(tf.io.fromMemory(art));
    said.push('tf.loadLayersModel loads it');
    if (expect.y) {
      const out = model.predict(tf.tensor(expect.x!, expect.inputShape));
      const outs = Array.isArray(out) ? out : [out];
      const worst = Math.max(...(await Promise.all(outs.map(async (o, i) => maxDifference(Array.from(await o.data()), (expect.y![i] as number[][]).flat(Infinity) as number[])))));
      if (!(worst <= (expect.tolerance ?? 1e-4))) throw new Error(`tf.loadLayersModel loads it, but predict differs from Keras with the same weights by up to ${worst}`);
      said.push(`predict = Keras (max difference ${worst.toExponential(1)})`);
    }
  }
  const decoded = tf.io.decodeWeights(art.weightData!, art.weightSpecs!);
  const bad: string[] = [];
  const want = Object.entries(expect.values ?? {});
  if (!want.length) throw new Error('no expected values to compare');
  for (const [name, values] of want) {
    const t = decoded[name];
    if (!t) bad.push(`${name} missing (it has ${Object.keys(decoded).slice(0, 4).join(', ')})`);
    else if (maxDifference(Array.from(await t.data()), values) !== 0) bad.push(`${name} differs`);
  }
  if (bad.length) throw new Error(`tf.io.decodeWeights: ${bad.slice(0, 4).join('; ')}`);
  said.push(`tf.io.decodeWeights: ${want.length} variables right`);
  return said.join('; ');
}

async function main(): Promise<void> {
  const work = process.argv[2]!;
  const names = JSON.parse(readFileSync(join(work, 'scenarios.json'), 'utf8')) as string[];
  const rows: Row[] = [];
  await tf.setBackend('cpu');
  for (const scenario of names) {
    for (const [format, folder] of [['tfjs', join(work, scenario, 'out', 'tfjs')], ['page tfjs', join(work, scenario, 'out', 'page', 'tfjs')]] as const) {
      if (!existsSync(join(folder, 'model.json'))) continue;
      const expectPath = join(folder, 'expect-tfjs.json');
      if (!existsSync(expectPath)) {
        rows.push({ scenario, format, check: 'loads in TF.js', ok: false, detail: 'check.py wrote no expectations (its own check of this output failed)' });
        continue;
      }
      try {
        const detail = await checkFolder(folder, JSON.parse(readFileSync(expectPath, 'utf8')) as Expect);
        rows.push({ scenario, format, check: 'loads in TF.js', ok: true, detail });
      } catch (e) {
        rows.push({ scenario, format, check: 'loads in TF.js', ok: false, detail: (e instanceof Error ? e.message : String(e)).split('\n')[0]! });
      }
    }
  }
  writeFileSync(join(work, 'check-tfjs.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
  console.log(`check-tfjs: ${rows.filter((r) => r.ok).length} of ${rows.length} TF.js outputs load`);
}

await main();
