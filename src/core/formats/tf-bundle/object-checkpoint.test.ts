import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../../errors';
import { MemoryFolder } from '../../io/output';
import { memorySource } from '../../io/byte-source';
import { autoMatch, compile, emptyRecipe } from '../../mapping';
import type { TargetModel } from '../../model/target-model';
import { buildTarget } from '../../model/target/index';
import { openCheckpoint } from '../registry';
import type { TfBundleCheckpoint } from './bundle';
import { namesFromObjectGraph, OBJECT_GRAPH_KEY } from './object-graph';
import { decodeObjectGraph } from './protos';
import { decodeStringTensor } from './strings';
import { createTfCheckpointWriter } from './writer-adapter';

const TESTDATA = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../model/target/testdata');
const testdata = (p: string) => readFileSync(path.join(TESTDATA, p), 'utf8');
/** Paths Keras 3.15 on TensorFlow gave these models' variables (make-trackable.py), by .weights.h5 key. */
const recorded = JSON.parse(testdata('keras3-trackable.json')) as Record<string, [string, string, number[]][]>;

const valueOf = (byteLength: number, seed: number) => Uint8Array.from({ length: byteLength }, (_, i) => (i * 31 + seed * 17) & 255);

async function exportTf(target: TargetModel): Promise<TfBundleCheckpoint> {
  const out = new MemoryFolder();
  const w = await createTfCheckpointWriter(out, 'merged', { target });
  for (const [i, v] of target.variables.entries()) await w.add({ name: v.name, dtype: v.dtype, shape: v.shape, bytes: valueOf(v.byteLength, i) });
  await w.finish();
  return (await openCheckpoint([...out.files].map(([p, b]) => memorySource(p, b)))) as TfBundleCheckpoint;
}

describe('a TF export of a Keras model is object-based', () => {
  for (const name of ['keras3-sequential', 'keras3-functional', 'keras3-zoo', 'keras3-deepnest', 'keras2-sequential']) {
    it(`${name}: the keys real Keras writes, an object graph that lists them, the values as added`, async () => {
      const target = await buildTarget({ text: testdata(`${name}.json`), fileName: `${name}.json` });
      const back = await exportTf(target);
      expect(back.warnings).toEqual([]);
      const keys = recorded[name]!.map(([, p]) => `model/${p}/.ATTRIBUTES/VARIABLE_VALUE`);
      expect(back.tensors.map((t) => t.name).sort()).toEqual([...keys, OBJECT_GRAPH_KEY, 'save_counter/.ATTRIBUTES/VARIABLE_VALUE'].sort());

      // The graph itself: the root holds the model and the save counter; every variable key hangs off the model.
      const [serialized] = decodeStringTensor(await back.read(OBJECT_GRAPH_KEY), 1, 'merged', OBJECT_GRAPH_KEY);
      const graph = decodeObjectGraph(serialized!, 'merged');
      expect(graph.nodes[0]!.children.map((c) => c.local_name)).toEqual(['model', 'save_counter']);
      const names = namesFromObjectGraph(graph);
      expect([...names.keys()].sort()).toEqual([...keys, 'save_counter/.ATTRIBUTES/VARIABLE_VALUE'].sort());

      for (const [i, v] of target.variables.entries()) {
        const key = `model/${v.trackablePath}/.ATTRIBUTES/VARIABLE_VALUE`;
        const t = back.tensors.find((x) => x.name === key)!;
        // Read back, each variable has the new model's name as its readable name, and its bytes.
        expect([t.originalName, t.path, t.kind, t.dtype, t.shape]).toEqual([v.name, `model/${v.trackablePath}`, 'weight', v.dtype, v.shape]);
        expect(await back.read(key)).toEqual(valueOf(v.byteLength, i));
      }
      const counter = back.tensors.find((t) => t.name === 'save_counter/.ATTRIBUTES/VARIABLE_VALUE')!;
      expect([counter.dtype, counter.shape, counter.kind]).toEqual(['int64', [], 'bookkeeping']);
    });
  }

  it('used later as the old checkpoint, it links every variable of the same model to its own value', async () => {
    for (const name of ['keras3-sequential', 'keras3-nested', 'keras2-sequential', 'keras3-functional', 'keras3-zoo']) {
      const target = await buildTarget({ text: testdata(`${name}.json`), fileName: `${name}.json` });
      const back = await exportTf(target);
      const { recipe, links } = autoMatch(back, target, emptyRecipe(), { accept: 'guess' });
      const plan = compile(recipe, back, target);
      expect(plan.entries.map((e) => [e.to, e.status, e.from]), name).toEqual(
        target.variables.map((v) => [v.name, 'exact', [`model/${v.trackablePath}/.ATTRIBUTES/VARIABLE_VALUE`]]),
      );
      // By name, sure, where no wrapper layer (Bidirectional) splits one new layer into two old scopes.
      if (!name.endsWith('functional') && !name.endsWith('zoo')) expect(links.every((l) => l.confidence === 'sure'), name).toBe(true);
    }
  });

  it('refuses a Keras model with a variable whose object path Graft does not know, naming its layer', async () => {
    const target = await buildTarget({ text: testdata('keras3-sequential.json'), fileName: 'seq.json' });
    const variables = target.variables.map((v) => (v.layer === 'bn1' ? { ...v, trackablePath: undefined } : v));
    const err = await createTfCheckpointWriter(new MemoryFolder(), 'x', { target: { ...target, variables } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraftError);
    expect((err as GraftError).code).toBe('unsupported');
    expect((err as GraftError).message).toMatch(/^seq\.json: .*bn1 \(BatchNormalization\).*export it as keras or tfjs/);
  });

  it('stays name-based for a plain list or a checkpoint template', async () => {
    const target = await buildTarget({ text: JSON.stringify([{ name: 'w', shape: [2], dtype: 'float32' }]), fileName: 'list.json' });
    const back = await exportTf(target);
    expect(back.tensors.map((t) => t.name)).toEqual(['w']);
  });
});
