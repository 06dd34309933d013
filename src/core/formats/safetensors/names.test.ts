import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../model/target/build';
import { safetensorsNames } from './names';

const TESTDATA = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../model/target/testdata');
const text = (name: string) => readFileSync(path.join(TESTDATA, name), 'utf8');
const leaf = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** Every Keras 3.15 layer built alone, with each variable's `variable.path` as real Keras gave it (make-keras-layers.py). */
const truth = JSON.parse(text('keras-layers.json')) as { models: { name: string; config: unknown; variables: { path: string }[] }[] };

describe('safetensorsNames', () => {
  it('names every weight of every Keras 3 layer as Keras 3 does, under its layer', async () => {
    let renamed = 0;
    for (const m of truth.models) {
      const target = await buildTarget({ text: JSON.stringify(m.config), fileName: `${m.name}.json` });
      const names = safetensorsNames(target);
      const paths = m.variables.map((v) => v.path);
      expect(target.variables.length, m.name).toBe(paths.length);
      for (const v of target.variables) {
        const out = names?.get(v.name) ?? v.name;
        expect(paths, `${m.name}: ${v.name}`).toContain(v.kerasName);
        expect(leaf(out), `${m.name}: ${v.name}`).toBe(leaf(v.kerasName!));
        expect(out.slice(0, out.lastIndexOf('/')), `${m.name}: ${v.name}`).toBe(v.name.slice(0, v.name.lastIndexOf('/')));
        if (out !== v.name) renamed++;
      }
    }
    expect(renamed).toBe(1); // the DepthwiseConv2D's depthwise_kernel: the one weight TF.js names otherwise
  });

  it('renames a DepthwiseConv2D kernel in a Keras 3 model and leaves everything else alone', async () => {
    const target = await buildTarget({ text: text('keras3-zoo.json'), fileName: 'keras3-zoo.json' });
    expect(target.variables.map((v) => v.name)).toContain('separable/depthwise_kernel');
    expect(safetensorsNames(target)).toEqual(new Map([['depthwise/depthwise_kernel', 'depthwise/kernel']]));
  });

  it('keeps the TF.js names of a Keras 2 model, whose Keras names them so', async () => {
    const config = {
      class_name: 'Sequential',
      keras_version: '2.15.0',
      config: { name: 'seq', layers: [{ class_name: 'DepthwiseConv2D', config: { name: 'dw', kernel_size: [3, 3], batch_input_shape: [null, 8, 8, 3] } }] },
    };
    const target = await buildTarget({ text: JSON.stringify(config), fileName: 'k2.json' });
    expect(target.variables.some((v) => v.name === 'dw/depthwise_kernel')).toBe(true);
    expect(safetensorsNames(target)).toBeUndefined();
  });
});
