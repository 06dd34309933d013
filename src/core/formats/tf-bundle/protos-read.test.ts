import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../../errors';
import { clip } from '../../io/untrusted';
import { BUNDLE_PROTO, encodeEntry, encodeHeader, encodeObjectGraph, type ObjectGraph } from './protos';
import { decodeEntry, decodeHeader, decodeObjectGraph } from './protos-read';

// The reference: how these messages were read with protobufjs before protos-read.ts (decode + toObject, defaults on).
const root = protobuf.parse(BUNDLE_PROTO, { keepCase: true }).root;
const OBJECT_OPTIONS = { longs: String, enums: Number, defaults: true, arrays: true, oneofs: false } as const;
function pb(type: string, bytes: Uint8Array, file: string, what: string): Record<string, unknown> {
  const t = root.lookupType(`tensorflow.${type}`);
  try {
    return t.toObject(t.decode(bytes), OBJECT_OPTIONS);
  } catch (cause) {
    throw new GraftError('corrupt', file, `${what} is not a valid ${t.name} — the file is damaged or not a TensorFlow checkpoint`, { cause });
  }
}
function int64(v: unknown, file: string, what: string, allowNegative = false): number {
  const n = Number(v ?? 0);
  if (!Number.isSafeInteger(n) || (!allowNegative && n < 0)) throw new GraftError('too-large', file, `${what} is ${String(v)}, outside the range Graft can address — the index is damaged`);
  return n;
}
const reference = {
  header(bytes: Uint8Array) {
    const o = pb('BundleHeaderProto', bytes, 'f', 'the header entry (key "")');
    const version = (o.version ?? {}) as Record<string, number>;
    return { numShards: Number(o.num_shards), littleEndian: Number(o.endianness) === 0, version: { producer: Number(version.producer ?? 0), minConsumer: Number(version.min_consumer ?? 0) } };
  },
  entry(bytes: Uint8Array, key: string) {
    const what = `the entry for "${clip(key)}"`;
    const o = pb('BundleEntryProto', bytes, 'f', what);
    const shape = (o.shape ?? { dim: [], unknown_rank: false }) as { dim: { size: unknown }[]; unknown_rank: boolean };
    const slices = (o.slices as { extent: { start: unknown; length?: unknown }[] }[]).map((s) =>
      s.extent.map((e) => ({ start: int64(e.start, 'f', `a slice start of ${what}`), length: e.length === undefined || e.length === null ? -1 : int64(e.length, 'f', `a slice length of ${what}`, true) })),
    );
    return {
      dtypeCode: Number(o.dtype), shape: shape.dim.map((d) => int64(d.size, 'f', `a dimension of ${what}`, true)), unknownRank: Boolean(shape.unknown_rank), shardId: Number(o.shard_id),
      offset: int64(o.offset, 'f', `the offset of ${what}`), size: int64(o.size, 'f', `the size of ${what}`), crc32c: Number(o.crc32c) >>> 0, slices,
    };
  },
  graph: (bytes: Uint8Array) => pb('TrackableObjectGraph', bytes, 'f', 'the object graph (_CHECKPOINTABLE_OBJECT_GRAPH)'),
};

/** What a decoder gives: its value, or its error's code and sentence. */
function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    if (!(e instanceof GraftError)) throw e;
    return { code: e.code, message: e.message };
  }
}

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

/** Unknown fields of every wire type, as newer TF versions add them. */
function unknownFields(r: (n: number) => number): number[] {
  const out: number[] = [];
  for (let i = r(3); i > 0; i--) {
    const field = 20 + r(100);
    const wt = [0, 1, 2, 5][r(4)]!;
    out.push(((field << 3) | wt) & 0x7f | 0x80, field >> 4);
    if (wt === 0) out.push(0xff, 0xff, 0x03);
    if (wt === 1) out.push(1, 2, 3, 4, 5, 6, 7, 8);
    if (wt === 2) out.push(3, 0x61, 0x62, 0x63);
    if (wt === 5) out.push(9, 9, 9, 9);
  }
  return out;
}

function entries(count: number, seed: number): Uint8Array[] {
  const r = rng(seed);
  const big = [0, 1, 127, 128, 300, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER];
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const shape = Array.from({ length: r(5) }, () => big[r(big.length)]!);
    const slices = Array.from({ length: r(3) }, () => Array.from({ length: r(4) }, () => ({ start: big[r(5)]!, length: r(3) === 0 ? -1 : big[r(6)]! })));
    const bytes = encodeEntry({ dtypeCode: r(34), shape, shardId: r(3) === 0 ? r(1000) : 0, offset: big[r(big.length)]!, size: big[r(big.length)]!, crc32c: (r(2 ** 31) * 2 + r(2)) >>> 0, slices });
    out.push(new Uint8Array([...bytes, ...unknownFields(r)]));
  }
  return out;
}

const mutations = (bytes: Uint8Array, r: (n: number) => number): Uint8Array[] => {
  const out: Uint8Array[] = [bytes.subarray(0, r(bytes.length + 1))];
  for (let k = 0; k < 6; k++) {
    const m = bytes.slice();
    for (let j = 1 + r(3); j > 0 && m.length; j--) m[r(m.length)] = r(256);
    out.push(m);
  }
  return out;
};

describe('protos-read decodes as protobufjs did', () => {
  it('BundleEntryProto: shapes, slices, offsets past 2^32, unknown fields; and int64 values Graft cannot address', () => {
    for (const bytes of entries(400, 1)) expect(outcome(() => decodeEntry(bytes, 'f', 'k'))).toEqual(outcome(() => reference.entry(bytes, 'k')));
    // -1 as an offset, 2^63-1 as a size and a dimension: the too-large sentences are the same.
    const huge = new Uint8Array([0x20, ...Array(9).fill(0xff), 0x01, 0x28, ...Array(8).fill(0xff), 0x7f]);
    const dim = new Uint8Array([0x12, 0x0c, 0x12, 0x0a, 0x08, ...Array(8).fill(0xff), 0x7f]);
    for (const bytes of [huge, dim]) {
      const got = outcome(() => decodeEntry(bytes, 'f', 'k'));
      expect(got).toMatchObject({ code: 'too-large' });
      expect(got).toEqual(outcome(() => reference.entry(bytes, 'k')));
    }
  });

  it('BundleHeaderProto and TrackableObjectGraph, with packed and unpacked bad_consumers', () => {
    for (const h of [{ numShards: 0, littleEndian: true }, { numShards: 7, littleEndian: false, producer: 1987 }, { numShards: 2 ** 31 - 1, littleEndian: true, producer: 0 }]) {
      const bytes = encodeHeader(h);
      expect(decodeHeader(bytes, 'f')).toEqual(reference.header(bytes));
    }
    const version = (bad: number[]) => new Uint8Array([0x08, 0x02, 0x1a, 4 + bad.length, 0x08, 0x05, 0x10, 0x01, ...bad]);
    for (const bytes of [version([]), version([0x18, 0x03]), version([0x1a, 0x02, 0x03, 0x04])]) {
      expect(decodeHeader(bytes, 'f')).toEqual(reference.header(bytes));
      expect(decodeHeader(bytes, 'f')).toEqual({ numShards: 2, littleEndian: true, version: { producer: 5, minConsumer: 1 } });
    }
    const graph: ObjectGraph = {
      nodes: [
        { children: [{ node_id: 1, local_name: 'model' }, { node_id: 2, local_name: 'optimizer' }], attributes: [], slot_variables: [] },
        { children: [{ node_id: 3, local_name: 'layer_with_weights-0' }], attributes: [], slot_variables: [{ original_variable_node_id: 4, slot_name: 'm', slot_variable_node_id: 5 }] },
        { children: [], attributes: [{ name: 'VARIABLE_VALUE', full_name: 'dense/kernel', checkpoint_key: 'model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE' }], slot_variables: [] },
        { children: [{ node_id: 0, local_name: 'naïve/ünïcode' }], attributes: [{ name: '', full_name: '', checkpoint_key: 'x'.repeat(200) }], slot_variables: [] },
      ],
    };
    const bytes = encodeObjectGraph(graph);
    expect(decodeObjectGraph(bytes, 'f')).toEqual(reference.graph(bytes));
    expect(decodeObjectGraph(bytes, 'f')).toEqual(graph);
  });

  it('damaged bytes: the same values, or a corrupt error where protobufjs failed too', () => {
    const r = rng(7);
    let both = 0;
    let failed = 0;
    for (const good of entries(150, 3)) {
      for (const bytes of mutations(good, r)) {
        const mine = outcome(() => decodeEntry(bytes, 'f', 'k'));
        const theirs = outcome(() => reference.entry(bytes, 'k'));
        if ((theirs as { code?: string }).code === 'corrupt') {
          // The same failure; the sentence names the message, not the wire detail.
          expect(mine).toMatchObject({ code: 'corrupt', message: (theirs as { message: string }).message });
          failed++;
        } else {
          expect(mine).toEqual(theirs);
          both++;
        }
      }
    }
    const graph = encodeObjectGraph({
      nodes: Array.from({ length: 6 }, (_, i) => ({
        children: [{ node_id: i + 1, local_name: `layer_with_weights-${i}` }],
        attributes: [{ name: 'VARIABLE_VALUE', full_name: `dense_${i}/kernel`, checkpoint_key: `model/layer_with_weights-${i}/kernel/.ATTRIBUTES/VARIABLE_VALUE` }],
        slot_variables: [{ original_variable_node_id: i, slot_name: 'v', slot_variable_node_id: i + 9 }],
      })),
    });
    for (let k = 0; k < 150; k++) {
      for (const bytes of mutations(graph, r)) {
        const theirs = outcome(() => reference.graph(bytes));
        const mine = outcome(() => decodeObjectGraph(bytes, 'f'));
        if ((theirs as { code?: string }).code === 'corrupt') expect(mine).toMatchObject({ code: 'corrupt', message: (theirs as { message: string }).message });
        else expect(mine).toEqual(theirs);
      }
    }
    expect(both).toBeGreaterThan(200);
    expect(failed).toBeGreaterThan(50);
  });
});
