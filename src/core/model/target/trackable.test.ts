import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTarget } from './index';
import { parseModel } from './keras-config';
import { functionalOrder, trackableSubPath } from './trackable';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const testdata = (p: string) => readFileSync(path.join(HERE, 'testdata', p), 'utf8');

/** make-trackable.py: per model, [key in its .weights.h5, path in a TF object-based checkpoint, shape], from Keras 3.15. */
const recorded = JSON.parse(testdata('keras3-trackable.json')) as Record<string, [string, string, number[]][]>;

describe('trackablePath: where Keras 3 on TensorFlow keeps each variable (recorded from Keras 3.15)', () => {
  for (const [name, rows] of Object.entries(recorded)) {
    it(name, async () => {
      const t = await buildTarget({ text: testdata(`${name}.json`), fileName: `${name}.json` });
      expect(t.warnings).toEqual([]);
      // kerasPath is checked against Keras' own .weights.h5 keys; it ties each variable to Keras' record.
      const got = t.variables.map((v) => [v.kerasPath, v.trackablePath, v.shape]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      const want = [...rows].sort((a, b) => a[0].localeCompare(b[0]));
      expect(got).toEqual(want);
    });
  }

  it('covers Sequential (Keras 2 and 3), Functional, nested models, RNNs, Bidirectional and TimeDistributed', () => {
    const paths = Object.values(recorded).flatMap((rows) => rows.map((r) => r[1]));
    for (const part of ['_functional/_operations/1/_kernel', '/cell/kernel', 'forward_layer/cell/', 'backward_layer/cell/', 'layer/_kernel', '_functional/_operations/3/_operations/1/']) {
      expect(paths.some((p) => p.includes(part)), part).toBe(true);
    }
  });
});

describe('functionalOrder', () => {
  it('orders a config listed out of order as Keras does: by depth, then traversal from the outputs', () => {
    const model = parseModel(JSON.parse(testdata('keras2-shuffled.json')))!;
    expect(model.layers.map((l) => l.name)).toEqual(['out', 'b3', 'in_b', 'cat', 'a2', 'shared', 'in_a', 'b2']);
    expect(functionalOrder(model)).toEqual(['in_a', 'in_b', 'shared', 'b2', 'a2', 'b3', 'cat', 'out']);
  });

  it('is the config order for configs Keras wrote', () => {
    for (const name of ['keras3-functional', 'keras3-zoo', 'keras3-deepnest']) {
      const model = parseModel(JSON.parse(testdata(`${name}.json`)))!;
      expect(functionalOrder(model), name).toEqual(model.layers.map((l) => l.name));
    }
  });

  it('is null for a graph it cannot trace', () => {
    const model = parseModel(JSON.parse(testdata('keras2-shuffled.json')))!;
    expect(functionalOrder({ ...model, outputs: [{ layer: 'nope', node: 0, tensor: 0 }] })).toBeNull();
  });
});

describe('trackableSubPath', () => {
  it('has no path for an RNN over stacked cells, whose cells Keras 3 does not checkpoint', () => {
    expect(trackableSubPath('RNN', { cell: { class_name: 'StackedRNNCells', config: {} } }, 'forward')).toBeNull();
    expect(trackableSubPath('RNN', { cell: { class_name: 'LSTMCell', config: {} } }, 'forward')).toBe('cell/');
    expect(trackableSubPath('Bidirectional', { layer: { class_name: 'GRU', config: {} } }, 'backward')).toBe('backward_layer/cell/');
  });
});
