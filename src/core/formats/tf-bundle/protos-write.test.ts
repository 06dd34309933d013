import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { BUNDLE_PROTO, encodeEntry, encodeHeader, encodeObjectGraph, type BundleEntry, type ObjectGraph } from './protos';

// The reference: how these messages were encoded with protobufjs before protos-write.ts.
const root = protobuf.parse(BUNDLE_PROTO, { keepCase: true }).root;
const HeaderType = root.lookupType('tensorflow.BundleHeaderProto');
const EntryType = root.lookupType('tensorflow.BundleEntryProto');
const GraphType = root.lookupType('tensorflow.TrackableObjectGraph');
const reference = {
  graph: (graph: ObjectGraph) => GraphType.encode(GraphType.fromObject(graph)).finish(),
  header(h: { numShards: number; littleEndian: boolean; producer?: number }) {
    const o: Record<string, unknown> = {};
    if (h.numShards) o.num_shards = h.numShards;
    if (!h.littleEndian) o.endianness = 1;
    o.version = { producer: h.producer ?? 1 };
    return HeaderType.encode(HeaderType.fromObject(o)).finish();
  },
  entry(e: Omit<BundleEntry, 'unknownRank'>) {
    const o: Record<string, unknown> = {};
    if (e.dtypeCode) o.dtype = e.dtypeCode;
    o.shape = { dim: e.shape.map((size) => (size ? { size } : {})) };
    if (e.shardId) o.shard_id = e.shardId;
    if (e.offset) o.offset = e.offset;
    if (e.size) o.size = e.size;
    if (e.crc32c) o.crc32c = e.crc32c >>> 0;
    if (e.slices.length) {
      o.slices = e.slices.map((s) => ({
        extent: s.map((x) => {
          const ext: Record<string, number> = {};
          if (x.start) ext.start = x.start;
          if (x.length >= 0) ext.length = x.length;
          return ext;
        }),
      }));
    }
    return EntryType.encode(EntryType.fromObject(o)).finish();
  },
};

/** A seeded generator (xorshift32), so a failure names inputs that can be rebuilt. */
function random(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const int = (max: number) => Math.floor(next() * max);
  return { next, pick, int };
}

const BIG = [0, 1, 127, 128, 255, 16383, 16384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 3, 2 ** 53 - 1];
const STRINGS = ['', 'a', 'dense/kernel', 'layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE', 'ünïcödé ✓ 𝔘', 'x'.repeat(200)];

describe('protocol buffers encoded by hand', () => {
  it('give protobufjs bytes for 2,000 bundle entries: shapes with unknown dims, large offsets, every CRC, slices', () => {
    const r = random(16);
    for (let i = 0; i < 2000; i++) {
      const n = r.int(5);
      const entry = {
        dtypeCode: r.pick([0, 1, 2, 3, 7, 9, 14, 19, 21, 30]),
        shape: Array.from({ length: n }, () => r.pick([0, 1, 3, 1024, 30522, -1, ...BIG])),
        shardId: r.pick([0, 0, 1, 7, 1023]),
        offset: r.pick(BIG),
        size: r.pick(BIG),
        crc32c: r.pick([0, 1, 0x7fffffff, 0x80000000, 0xffffffff, Math.floor(r.next() * 2 ** 32), -5]),
        slices: r.next() < 0.8 ? [] : Array.from({ length: 1 + r.int(3) }, () => Array.from({ length: n }, () => ({ start: r.pick([0, 0, 5, ...BIG]), length: r.pick([-1, -1, 0, 1, 1000, ...BIG]) }))),
      };
      expect(Buffer.from(encodeEntry(entry)).toString('hex'), JSON.stringify(entry)).toBe(Buffer.from(reference.entry(entry)).toString('hex'));
    }
  });

  it('give protobufjs bytes for headers', () => {
    for (const numShards of [0, 1, 2, 1000, 2 ** 31 - 1]) {
      for (const littleEndian of [true, false]) {
        for (const producer of [undefined, 0, 1, 1087, 2 ** 31 - 1]) {
          const h = { numShards, littleEndian, ...(producer === undefined ? {} : { producer }) };
          expect(Buffer.from(encodeHeader(h)).toString('hex'), JSON.stringify(h)).toBe(Buffer.from(reference.header(h)).toString('hex'));
        }
      }
    }
  });

  it('give protobufjs bytes for 300 object graphs: ids 0 and large, empty and non-ASCII names', () => {
    const r = random(7);
    for (let i = 0; i < 300; i++) {
      const graph: ObjectGraph = {
        nodes: Array.from({ length: r.int(6) }, () => ({
          children: Array.from({ length: r.int(4) }, () => ({ node_id: r.pick([0, 1, 5, 300, 2 ** 31 - 1]), local_name: r.pick(STRINGS) })),
          attributes: Array.from({ length: r.int(3) }, () => ({ name: r.pick(STRINGS), full_name: r.pick(STRINGS), checkpoint_key: r.pick(STRINGS) })),
          slot_variables: Array.from({ length: r.int(3) }, () => ({ original_variable_node_id: r.pick([0, 2, 99]), slot_name: r.pick(STRINGS), slot_variable_node_id: r.pick([0, 3, 100000]) })),
        })),
      };
      expect(Buffer.from(encodeObjectGraph(graph)).toString('hex')).toBe(Buffer.from(reference.graph(graph)).toString('hex'));
    }
  });
});
