/**
 * Hostile bundles (issue 17): small files that claim huge things. Each must give a typed GraftError or a correct
 * result quickly, without allocating what the files cannot back. Every input is built here, byte by byte.
 */
import { describe, expect, it } from 'vitest';
import { memorySource } from '../../io/byte-source';
import { built, f32 } from './builders.test-util';
import { openTfBundle } from './bundle';
import { parseCheckpointState } from './detect';
import { dataFileName } from './naming';
import { MAX_GRAPH_PATH, namesFromObjectGraph, OBJECT_GRAPH_KEY } from './object-graph';
import { dtypeToCode, encodeEntry, encodeHeader, encodeObjectGraph, type ObjectGraph, type SliceExtent } from './protos';
import { encodeTensorNameSlice } from './slices';
import { encodeStringTensor } from './strings';
import { compareBytes } from './table';
import { buildTable } from './table-builder';
import type { WriteTensor } from './write';
import { failure } from '../../errors.test-util';

type GraphNode = ObjectGraph['nodes'][number];

/** A chain root → 1 → 2 → ... → n-1, each node holding one variable keyed `k<i>`. */
function chainGraph(n: number): ObjectGraph {
  const nodes: GraphNode[] = [];
  for (let i = 0; i < n; i++) {
    nodes.push({
      children: i + 1 < n ? [{ node_id: i + 1, local_name: 'layer' }] : [],
      attributes: i === 0 ? [] : [{ name: 'VARIABLE_VALUE', full_name: `v${i}`, checkpoint_key: `k${i}` }],
      slot_variables: [],
    });
  }
  return { nodes };
}

function bundleWithGraph(graph: ObjectGraph, keys: string[]): { index: ReturnType<typeof memorySource>; shard: ReturnType<typeof memorySource> } {
  const tensors: WriteTensor[] = [{ name: OBJECT_GRAPH_KEY, dtype: 'string', shape: [], bytes: encodeStringTensor([encodeObjectGraph(graph)]).bytes }];
  keys.forEach((k, i) => tensors.push({ name: k, dtype: 'float32', shape: [1], bytes: f32(i) }));
  const { files } = built(tensors);
  return { index: files[0]!, shard: files[1]! };
}

const seconds = async <T>(f: () => Promise<T>): Promise<{ value: T; s: number }> => {
  const t0 = performance.now();
  const value = await f();
  return { value, s: (performance.now() - t0) / 1000 };
};

describe('a TF2 object graph shaped as a long chain', () => {
  it('opens in linear time: 9,000 and 20,000 nodes; deep paths are left out with one warning', async () => {
    for (const n of [9000, 20000]) {
      const keys = Array.from({ length: n - 1 }, (_, i) => `k${i + 1}`);
      const { index, shard } = bundleWithGraph(chainGraph(n), keys);
      const { value: ckpt, s } = await seconds(() => openTfBundle(index, new Map([[0, shard]])));
      // Well under 2 s alone (the quadratic walk took 30 s at 20,000 nodes); 5 s leaves room for a loaded machine.
      expect(s, `${n} nodes`).toBeLessThan(5);
      const byName = new Map(ckpt.tensors.map((t) => [t.name, t]));
      // Shallow variables keep their readable path and original name.
      expect(byName.get('k1')).toMatchObject({ path: 'layer', originalName: 'v1' });
      expect(byName.get('k3')?.path).toBe('layer/layer/layer');
      // A path of ~6 characters per level passes MAX_GRAPH_PATH a few hundred levels down: those are listed by key.
      expect(byName.get(`k${n - 1}`)?.path).toBeUndefined();
      const named = ckpt.tensors.filter((t) => t.path !== undefined);
      expect(named.every((t) => t.path!.length <= MAX_GRAPH_PATH)).toBe(true);
      expect(ckpt.tensors).toHaveLength(n);
      const warning = ckpt.warnings.filter((w) => /object graph gives/.test(w));
      expect(warning).toEqual([expect.stringMatching(new RegExp(`gives ${n - 1 - (named.length - 0)} variables a path longer than ${MAX_GRAPH_PATH}`))]);
    }
  });

  it('slot variables whose owner later becomes a slot itself do not recurse forever', () => {
    // Node 1 owns a slot (target 2) before node 1 has a path; node 3 then makes node 1 a slot of node 2.
    const graph: ObjectGraph = {
      nodes: [
        { children: [{ node_id: 3, local_name: 'opt' }, { node_id: 4, local_name: 'var' }], attributes: [], slot_variables: [] },
        { children: [], attributes: [{ name: 'VARIABLE_VALUE', full_name: 'a', checkpoint_key: 'ka' }], slot_variables: [{ original_variable_node_id: 4, slot_name: 'm', slot_variable_node_id: 2 }] },
        { children: [], attributes: [{ name: 'VARIABLE_VALUE', full_name: 'b', checkpoint_key: 'kb' }], slot_variables: [] },
        { children: [], attributes: [], slot_variables: [{ original_variable_node_id: 2, slot_name: 'v', slot_variable_node_id: 1 }] },
        { children: [], attributes: [{ name: 'VARIABLE_VALUE', full_name: 'w', checkpoint_key: 'kw' }], slot_variables: [] },
      ],
    };
    const names = namesFromObjectGraph(graph);
    expect(names.get('kb')).toEqual({ path: 'var/.OPTIMIZER_SLOT/m', originalName: 'b', optimizer: true });
    expect(names.get('ka')).toEqual({ path: 'var/.OPTIMIZER_SLOT/m/.OPTIMIZER_SLOT/opt/v', originalName: 'a', optimizer: true });
    expect(names.get('kw')).toEqual({ path: 'var', originalName: 'w', optimizer: false });
  });

  it('children that point outside the graph or back to an ancestor are ignored', () => {
    const graph: ObjectGraph = {
      nodes: [
        { children: [{ node_id: 1, local_name: 'a' }, { node_id: 99, local_name: 'x' }, { node_id: -1, local_name: 'y' }], attributes: [], slot_variables: [] },
        { children: [{ node_id: 0, local_name: 'root' }, { node_id: 1, local_name: 'self' }], attributes: [{ name: 'VARIABLE_VALUE', full_name: '', checkpoint_key: 'ka' }], slot_variables: [] },
      ],
    };
    expect([...namesFromObjectGraph(graph)]).toEqual([['ka', { path: 'a', optimizer: false }]]);
  });
});

/** An index holding one partitioned float32 variable `v` of `elements` elements, as one full-extent slice in shard 0. */
function partitionedIndex(elements: number, shardCount = 1): Uint8Array {
  const full: SliceExtent[] = [{ start: 0, length: -1 }];
  const rows = [
    { key: new TextEncoder().encode('v'), value: encodeEntry({ dtypeCode: dtypeToCode('float32'), shape: [elements], shardId: 0, offset: 0, size: 0, crc32c: 0, slices: [full] }) },
    { key: encodeTensorNameSlice('v', full), value: encodeEntry({ dtypeCode: dtypeToCode('float32'), shape: [elements], shardId: 0, offset: 0, size: elements * 4, crc32c: 0, slices: [] }) },
  ].sort((a, b) => compareBytes(a.key, b.key));
  return buildTable([{ key: new Uint8Array(0), value: encodeHeader({ numShards: shardCount, littleEndian: true }) }, ...rows]);
}

describe('a partitioned variable that claims more than its files hold', () => {
  const shard = memorySource(`dir/${dataFileName('ck', 0, 1)}`, f32(1));

  it('2^50 bytes: listed with a truncation warning, and reading it is a typed error, not a RangeError', async () => {
    const ckpt = await openTfBundle(memorySource('dir/ck.index', partitionedIndex(2 ** 48)), new Map([[0, shard]]));
    expect(ckpt.tensors[0]).toMatchObject({ name: 'v', byteLength: 2 ** 50 });
    expect(ckpt.warnings.join('\n')).toMatch(/truncated/);
    const e = await failure(ckpt.read('v'));
    expect(e.code).toBe('truncated');
    expect(e.message).toMatch(/ck\.data-00000-of-00001/);
  });

  it('1 GiB over a 4-byte shard: the typed error comes before anything of that size is allocated', async () => {
    const ckpt = await openTfBundle(memorySource('dir/ck.index', partitionedIndex(2 ** 28)), new Map([[0, shard]]));
    const before = process.memoryUsage().arrayBuffers;
    const e = await failure(ckpt.read('v'));
    expect(e.code).toBe('truncated');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(100 << 20);
    await expect(ckpt.readValue('v')).rejects.toMatchObject({ code: 'truncated' });
  });

  it('slices that all claim the same bytes cannot add up to more than the shards hold', async () => {
    // Two slices of 2 elements each, both stored at offset 0 of an 8-byte shard: 16 bytes claimed from 8.
    const halves: SliceExtent[][] = [[{ start: 0, length: 2 }], [{ start: 2, length: 2 }]];
    const f = dtypeToCode('float32');
    const rows = [
      { key: new TextEncoder().encode('v'), value: encodeEntry({ dtypeCode: f, shape: [4], shardId: 0, offset: 0, size: 0, crc32c: 0, slices: halves }) },
      ...halves.map((h) => ({ key: encodeTensorNameSlice('v', h), value: encodeEntry({ dtypeCode: f, shape: [2], shardId: 0, offset: 0, size: 8, crc32c: 0, slices: [] }) })),
    ].sort((a, b) => compareBytes(a.key, b.key));
    const index = buildTable([{ key: new Uint8Array(0), value: encodeHeader({ numShards: 1, littleEndian: true }) }, ...rows]);
    const ckpt = await openTfBundle(memorySource('dir/ck.index', index), new Map([[0, memorySource('dir/ck.data-00000-of-00001', f32(1, 2))]]));
    const e = await failure(ckpt.read('v'));
    expect([e.code, e.message]).toEqual(['corrupt', expect.stringMatching(/claims 16 bytes but its slices lie in data files of 8 bytes/)]);
  });
});

describe('an index that claims 2^20 shards', () => {
  it('gives one warning line with a count, quickly', async () => {
    const index = buildTable([
      { key: new Uint8Array(0), value: encodeHeader({ numShards: 2 ** 20, littleEndian: true }) },
      { key: new TextEncoder().encode('a'), value: encodeEntry({ dtypeCode: dtypeToCode('float32'), shape: [1], shardId: 7, offset: 0, size: 4, crc32c: 0, slices: [] }) },
    ]);
    expect(index.byteLength).toBeLessThan(200);
    const { value: ckpt, s } = await seconds(() => openTfBundle(memorySource('dir/ck.index', index), new Map()));
    expect(s).toBeLessThan(5);
    expect(ckpt.warnings).toEqual([expect.stringMatching(/^dir\/ck\.data-00000-of-1048576, dir\/ck\.data-00001-of-1048576, dir\/ck\.data-00002-of-1048576 and 1048573 more are missing/)]);
    expect(ckpt.unreadable!('a')).toMatch(/shard 7 of 1048576/);
  });
});

describe('file-supplied names in error sentences', () => {
  it('a 100,000-character tensor name is cut in the sentence', async () => {
    const name = 'n'.repeat(100_000);
    const { files } = built([{ name, dtype: 'float32', shape: [1], bytes: f32(1), override: { size: 8 } }]);
    const e = await failure(openTfBundle(files[0]!, new Map([[0, files[1]!]])));
    expect(e.code).toBe('corrupt');
    expect(e.message.length).toBeLessThan(1000);
    expect(e.message).toMatch(/100000 characters/);
  });
});

describe('a `checkpoint` state file of blank lines', () => {
  it('is parsed in linear time (a multiline regex took ~2 s per 32k lines, quadratically more beyond)', () => {
    const text = `${'\n'.repeat(1 << 20)}model_checkpoint_path: "ck-2"\nall_model_checkpoint_paths: "ck-1"\n  all_model_checkpoint_paths: "ck-2"`;
    const t0 = performance.now();
    expect(parseCheckpointState(text)).toEqual(['ck-2', 'ck-2', 'ck-1']);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
