import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraftError, type GraftErrorCode } from '../../errors';
import { memorySource } from '../../io/byte-source';
import { metaGraph, shape, stringConst, variable } from './builders.test-util';
import { readMetaGraph } from './read';
import { sniffMetaGraph } from './sniff';

const real = new Uint8Array(readFileSync(join(__dirname, 'testdata', 'trained.meta')));
const open = (bytes: Uint8Array, name = 'dir/model.ckpt.meta') => readMetaGraph(memorySource(name, bytes));

async function expectError(p: Promise<unknown>, codes: GraftErrorCode[], ...fragments: RegExp[]): Promise<GraftError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(GraftError);
  const g = e as GraftError;
  expect(codes, g.message).toContain(g.code);
  expect(g.message).toMatch(/model\.ckpt\.meta/);
  for (const f of fragments) expect(g.message).toMatch(f);
  return g;
}

/** A graph whose saver stores `keys` from the variables `tensors`. */
function saved(keys: string[], tensors: string[], specs = keys.map(() => ''), extra = [variable('w', [2, 3])]) {
  return metaGraph(
    [
      ...extra,
      stringConst('save/SaveV2/tensor_names', keys),
      stringConst('save/SaveV2/shape_and_slices', specs),
      { name: 'save/SaveV2', op: 'SaveV2', input: ['save/Const', 'save/SaveV2/tensor_names', 'save/SaveV2/shape_and_slices', ...tensors] },
    ],
    { saver: true },
  );
}

describe('bad MetaGraphs give typed errors naming the file', () => {
  it('the hand-made graph itself reads', async () => {
    const graph = await open(saved(['w'], ['w']));
    expect(graph.variables.map((v) => [v.name, v.shape])).toEqual([['w', [2, 3]]]);
  });

  it('a MetaGraph truncated anywhere', async () => {
    for (const at of [1, 2, 3, 10, 100, 1000, 4096, real.byteLength >> 1, real.byteLength - 1]) {
      await expectError(open(real.subarray(0, at)), ['not-recognised', 'corrupt']);
    }
  });

  it('wrong messages: JSON, a checkpoint index, a bare GraphDef, an empty file', async () => {
    const index = new Uint8Array(readFileSync(join(__dirname, 'testdata', 'trained.index')));
    await expectError(open(new TextEncoder().encode('{"class_name": "Sequential"}')), ['not-recognised'], /not a TensorFlow MetaGraph/);
    await expectError(open(index), ['not-recognised']);
    const graphDef = metaGraph([variable('a', [1]), variable('b', [2])]).subarray(2); // the GraphDef inside
    await expectError(open(graphDef), ['not-recognised']);
    await expectError(open(new Uint8Array(0)), ['not-recognised']);
  });

  it('a declared length far past the end of the file', async () => {
    // graph_def (field 2) holding a node (field 1) that claims 2^32 - 1 bytes.
    await expectError(open(Uint8Array.from([0x12, 0x07, 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00])), ['corrupt'], /not a valid MetaGraphDef/);
    await expectError(open(Uint8Array.from([0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x0a, 0x00])), ['not-recognised']);
  });

  it('groups nested deeper than any stack', async () => {
    const deep = new Uint8Array(300_000).fill(0x1b); // field 3, start group, again and again
    const graph = Uint8Array.from([0x0a, 0x00, ...deep]);
    const bytes = new Uint8Array(graph.byteLength + 6);
    bytes.set([0x12, 0x82 | 0, 0, 0, 0, 0]);
    // field 2, length as a 5-byte varint
    let n = graph.byteLength;
    for (let i = 1; i <= 5; i++, n = Math.floor(n / 128)) bytes[i] = (n % 128) | (i < 5 ? 0x80 : 0);
    bytes.set(graph, 6);
    await expectError(open(bytes.subarray(0, 6 + graph.byteLength)), ['corrupt', 'not-recognised']);
  });

  it('a variable with more elements than can be addressed', async () => {
    await expectError(open(saved(['w'], ['w'], [''], [variable('w', [2 ** 31, 2 ** 31, 2 ** 31])])), ['too-large'], /"w"/);
  });

  it('a huge declared shape the file does not back allocates nothing', async () => {
    const zeros = { name: 'w/Initializer/zeros', op: 'Const', attr: { value: { tensor: { dtype: 1, tensor_shape: shape([1 << 20, 1 << 20]).shape, float_val: [0] } } } };
    const assign = { name: 'w/Assign', op: 'Assign', input: ['w', 'w/Initializer/zeros'] };
    const started = performance.now();
    const graph = await open(saved(['w'], ['w'], [''], [variable('w', [1 << 20, 1 << 20]), zeros, assign]));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(graph.variables[0]!.initializer).toEqual({ spec: { kind: 'keras', className: 'Zeros', config: {} } });
  });

  it('a constant whose bytes do not fit its shape', async () => {
    const bad = { name: 'w/Initializer/Const', op: 'Const', attr: { value: { tensor: { dtype: 1, tensor_shape: shape([2, 3]).shape, tensor_content: new Uint8Array(7) } } } };
    const assign = { name: 'w/Assign', op: 'Assign', input: ['w', 'w/Initializer/Const'] };
    await expectError(open(saved(['w'], ['w'], [''], [variable('w', [2, 3]), bad, assign])), ['corrupt'], /7 bytes/);
  });

  it('a saver that lists fewer names than tensors', async () => {
    await expectError(open(saved(['w'], ['w', 'w'])), ['corrupt'], /one name per saved tensor/);
  });

  it('a slice that does not fit the variable', async () => {
    await expectError(open(saved(['w'], ['w'], ['4 3 2,5:0,3'])), ['corrupt'], /slice "4 3 2,5:0,3"/);
  });

  it('a variables collection holding something else', async () => {
    const bytes = metaGraph([variable('w', [2])], { collections: { variables: [Uint8Array.from([0x0a, 0x50, 0x41])] } });
    await expectError(open(bytes), ['corrupt'], /collection "variables"/);
  });

  it('random damage never crashes, hangs or throws anything but a GraftError', async () => {
    let seed = 12345;
    const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const started = performance.now();
    let read = 0;
    for (let round = 0; round < 150; round++) {
      const bytes = real.slice(0, round % 3 === 0 ? Math.floor(next() * real.byteLength) : real.byteLength);
      for (let k = 0; k < 1 + Math.floor(next() * 8); k++) bytes[Math.floor(next() * bytes.byteLength)] = Math.floor(next() * 256);
      const outcome = await open(bytes).then(() => 'read', (e: unknown) => e);
      if (outcome === 'read') read++;
      else expect(outcome, String(outcome)).toBeInstanceOf(GraftError);
    }
    expect(performance.now() - started).toBeLessThan(60_000);
    expect(read).toBeGreaterThan(0);
  });

  it('content detection never throws', async () => {
    for (const bytes of [new Uint8Array(0), Uint8Array.from([0x12]), Uint8Array.from([0x08, 0xff]), real.subarray(0, 77)]) {
      await expect(sniffMetaGraph(memorySource('x', bytes))).resolves.toBeNull();
    }
    await expect(sniffMetaGraph(memorySource('x', real))).resolves.toBe('meta-graph');
  });
});
