/** The harness's own pieces: inputs are a function of the seed, and structure-aware mutations stay well-formed. */
import { describe, expect, it } from 'vitest';
import { memorySource } from '../src/core/io/byte-source';
import { readTable } from '../src/core/formats/tf-bundle/table';
import { loadCorpus, READERS } from './corpus';
import { makeInput } from './mutate';
import { mutateTfIndex, mutateTfObjectGraph, tableEntries } from './mutate-tf';
import { decode, encode, varint } from './protobuf';
import { Rng } from './rng';

describe('fuzz harness', () => {
  it('makes the same input from the same seed, for every reader', async () => {
    const corpus = await loadCorpus();
    for (const reader of READERS) {
      for (let i = 0; i < 5; i++) {
        const a = makeInput(new Rng(i), reader, corpus, () => undefined);
        const b = makeInput(new Rng(i), reader, corpus, () => undefined);
        expect(b.files.map((f) => [f.path, Buffer.from(f.bytes).toString('base64')])).toEqual(a.files.map((f) => [f.path, Buffer.from(f.bytes).toString('base64')]));
        expect(b.ops).toEqual(a.ops);
      }
    }
  });

  it('round-trips protobuf fields, varints past 2^53 included', () => {
    const fields = [
      { no: 1, wire: 0, int: (1n << 63n) + 5n },
      { no: 2, wire: 2, bytes: new Uint8Array([1, 2, 3]) },
      { no: 3, wire: 5, int: 0xdeadbeefn },
      { no: 4, wire: 1, int: 1n << 60n },
    ];
    expect(decode(encode(fields))).toEqual(fields);
    expect(varint(300n)).toEqual(new Uint8Array([0xac, 0x02]));
  });

  it('rebuilds TF indexes that pass the table checksums, and stores object graphs with a valid entry', async () => {
    const corpus = await loadCorpus();
    const seeds = corpus.seeds.get('tf-bundle')!;
    let rebuilt = 0;
    let graphs = 0;
    for (let i = 0; i < 40; i++) {
      const rng = new Rng(i);
      const seed = seeds[i % seeds.length]!;
      const files = mutateTfIndex(rng, seed.files);
      if (files) {
        const index = files.find((f) => f.path.endsWith('.index'))!;
        // Checksums always hold; key order holds but where the mutation deliberately left it broken.
        const error = await readTable(memorySource(index.path, index.bytes)).then(() => '', (e: Error) => e.message);
        if (error) expect(error).toMatch(/keys are out of order/);
        else rebuilt++;
      }
      const withGraph = mutateTfObjectGraph(rng, seed.files);
      if (withGraph) {
        expect(tableEntries(withGraph.find((f) => f.path.endsWith('.index'))!.bytes)).not.toBeNull();
        graphs++;
      }
    }
    expect(rebuilt).toBeGreaterThan(30);
    expect(graphs).toBeGreaterThan(0);
  });
});
