import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MemoryFolder } from '../../io/output';
import type { TargetModel, TargetVariable } from '../../model/target-model';
import { buildTarget } from '../../model/target/build';
import { createWriter } from '../writers';
import { memoryHandler } from './memory-handler.test-util';
import { tfjsWeightNames } from './names';

const nestedJson = readFileSync(join(__dirname, '../../model/target/testdata/keras3-nested.json'), 'utf8');

/** A checkpoint template (as a `.keras` or full-model `.h5` gives one): variables under `rename(v)`, values = index. */
function template(built: TargetModel, rename: (v: TargetVariable) => string, extra: TargetVariable[] = []): TargetModel {
  const variables = [...built.variables.map((v) => ({ ...v, name: rename(v), initializer: { kind: 'template' as const } })), ...extra];
  return {
    source: 'checkpoint', label: 'model.keras', topology: JSON.parse(nestedJson), variables, warnings: [],
    defaultValue: async (name) => {
      const v = variables.find((x) => x.name === name)!;
      return new Uint8Array(Float32Array.from({ length: v.byteLength / 4 }, (_, i) => i + variables.indexOf(v)).buffer);
    },
  };
}

describe('TF.js manifest names for a checkpoint template with a Keras topology', () => {
  it('Keras 3 storage paths (layers/.../vars/i) become the names tfjs looks up; other variables are left out', async () => {
    const built = await buildTarget({ text: nestedJson, fileName: 'keras3-nested.json' });
    const step: TargetVariable = { name: 'optimizer/iterations', dtype: 'int64', shape: [], byteLength: 8, kind: 'optimizer', group: 'optimizer', initializer: { kind: 'template' } };
    const tmpl = template(built, (v) => v.kerasPath!, [step]);
    const names = await tfjsWeightNames(tmpl, tmpl.topology);
    expect(Object.fromEntries(names!)).toEqual({
      'layers/sequential/layers/dense/vars/0': 'inner_dense/kernel',
      'layers/sequential/layers/dense/vars/1': 'inner_dense/bias',
      'layers/dense/vars/0': 'outer_dense/kernel',
      'layers/dense/vars/1': 'outer_dense/bias',
      'optimizer/iterations': null,
    });

    const out = new MemoryFolder();
    const w = await createWriter('tfjs', { out, target: tmpl, name: 'model', modelTopology: tmpl.topology });
    for (const v of tmpl.variables) await w.add({ name: v.name, dtype: v.dtype, shape: v.shape, bytes: await tmpl.defaultValue(v.name, 0) });
    await w.finish();
    expect(w.notes).toContain('optimizer/iterations: left out (not a weight of the model TF.js builds from the topology)');
    const model = await tf.loadLayersModel(memoryHandler(out.files, 'model.json'));
    expect(Array.from(model.getLayer('inner').getWeights()[1]!.dataSync())).toEqual([1, 2, 3, 4]); // inner_dense/bias
    model.dispose();
  });

  it('legacy .h5 paths (model_weights/<layer>/<layer>/kernel:0, an RNN cell in between) map to the scoped names', async () => {
    const built = await buildTarget({ text: nestedJson, fileName: 'keras3-nested.json' });
    const tmpl = template(built, (v) => `model_weights/${v.name.split('/')[0]}/${v.name.replace('/', '/cell_x/')}:0`);
    const names = await tfjsWeightNames(tmpl, tmpl.topology);
    expect(names!.get('model_weights/outer_dense/outer_dense/cell_x/kernel:0')).toBe('outer_dense/kernel');
  });

  it('a model JSON needs no mapping (its variables already carry tfjs names)', async () => {
    const built = await buildTarget({ text: nestedJson, fileName: 'keras3-nested.json' });
    expect(await tfjsWeightNames(built, built.topology)).toBeUndefined();
  });
});
