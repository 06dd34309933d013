import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memorySource } from '../io/byte-source';
import { openCheckpoint } from '../formats/registry';
import { classifyVariable } from './naming';

// A Keras 3 model trained one step with Adam, saved by the real libraries every way they save it, and what each
// stored key is according to Keras itself (testdata/keras3-optimizer/make.py).
const DIR = join(__dirname, 'testdata', 'keras3-optimizer');
const EXPECTED = JSON.parse(readFileSync(join(DIR, 'expected-kinds.json'), 'utf8')) as { files: Record<string, Record<string, string>> };
const FILES: Record<string, string[]> = {
  'both.index': ['both.index', 'both.data-00000-of-00001'],
  'model-only.index': ['model-only.index', 'model-only.data-00000-of-00001'],
  'model.keras': ['model.keras'],
  'model.weights.h5': ['model.weights.h5'],
  'legacy.h5': ['legacy.h5'],
};
const open = (file: string) => openCheckpoint(FILES[file]!.map((f) => memorySource(f, new Uint8Array(readFileSync(join(DIR, f))))));

describe('a Keras 3 checkpoint saved with its optimizer', () => {
  it('has every file the script wrote', () => expect(Object.keys(EXPECTED.files).sort()).toEqual(Object.keys(FILES).sort()));

  for (const file of Object.keys(FILES)) {
    it(`${file}: each variable's kind is what Keras says it is`, async () => {
      const ckpt = await open(file);
      const kinds = Object.fromEntries(ckpt.tensors.map((v) => [v.name, v.kind]));
      expect(kinds).toEqual(EXPECTED.files[file]);
    });

    it(`${file}: the keys alone, without the object graph, classify the same`, () => {
      const kinds = Object.fromEntries(Object.keys(EXPECTED.files[file]!).map((k) => [k, classifyVariable(k).kind]));
      expect(kinds).toEqual(EXPECTED.files[file]);
    });
  }

  it('gives the weights their path through the model, the same whether the optimizer was saved beside it or under it', async () => {
    const paths = async (file: string) => (await open(file)).tensors.filter((v) => v.kind === 'weight').map((v) => [v.originalName, v.path, v.group]);
    const both = await paths('both.index');
    expect(both).toEqual([
      ['sequential/d1/kernel', 'model/_functional/_operations/1/_kernel', 'model/_functional/_operations/1'],
      ['sequential/d1/bias', 'model/_functional/_operations/1/bias', 'model/_functional/_operations/1'],
      ['sequential/d2/kernel', 'model/_functional/_operations/2/_kernel', 'model/_functional/_operations/2'],
      ['sequential/d2/bias', 'model/_functional/_operations/2/bias', 'model/_functional/_operations/2'],
    ]);
    expect(await paths('model-only.index')).toEqual(both);
  });
});
