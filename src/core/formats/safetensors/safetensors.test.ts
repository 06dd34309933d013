import { describe, expect, it } from 'vitest';
import { GraftError, type GraftErrorCode } from '../../errors';
import { memorySource, type ByteSource } from '../../io/byte-source';
import { listCandidates, openCheckpoint } from '../registry';
import { openSafetensors } from './read';

// A hand-rolled writer for these tests: header JSON padded with spaces to 8 bytes, as the Rust writer does.
interface T {
  dtype: string;
  shape: number[];
  data: Uint8Array;
}
function header(json: string): Uint8Array {
  const pad = (8 - (json.length % 8)) % 8;
  const text = new TextEncoder().encode(json + ' '.repeat(pad));
  const out = new Uint8Array(8 + text.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  return out;
}
function write(tensors: Record<string, T>, metadata?: Record<string, string>): Uint8Array {
  const h: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    h[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.length] };
    offset += t.data.length;
  }
  const head = header(JSON.stringify(h));
  const out = new Uint8Array(head.length + offset);
  out.set(head);
  let o = head.length;
  for (const t of Object.values(tensors)) (out.set(t.data, o), (o += t.data.length));
  return out;
}
const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);
/** Raw file from a header object and a data length, for hostile cases. */
function raw(h: unknown, dataLength: number): Uint8Array {
  const head = header(JSON.stringify(h));
  const out = new Uint8Array(head.length + dataLength);
  out.set(head);
  return out;
}

const ALL: [string, string, number][] = [
  ['BOOL', 'bool', 1], ['U8', 'uint8', 1], ['I8', 'int8', 1], ['I16', 'int16', 2], ['U16', 'uint16', 2],
  ['F16', 'float16', 2], ['BF16', 'bfloat16', 2], ['I32', 'int32', 4], ['U32', 'uint32', 4], ['F32', 'float32', 4],
  ['F64', 'float64', 8], ['I64', 'int64', 8], ['U64', 'uint64', 8], ['F8_E5M2', 'float8_e5m2', 1],
  ['F8_E4M3', 'float8_e4m3fn', 1], ['C64', 'complex64', 8],
];

describe('safetensors reader', () => {
  it('lists and reads every dtype of the spec, with __metadata__', async () => {
    const tensors: Record<string, T> = {};
    ALL.forEach(([st, , size], i) => (tensors[`t.${st}`] = { dtype: st, shape: [2, 3], data: bytes(6 * size, i) }));
    tensors.scalar = { dtype: 'F32', shape: [], data: bytes(4, 99) };
    tensors.empty = { dtype: 'F32', shape: [0, 4], data: new Uint8Array(0) };
    const file = memorySource('model.safetensors', write(tensors, { format: 'pt' }));
    expect((await listCandidates([file])).map((c) => [c.format, c.id])).toEqual([['safetensors', 'model.safetensors']]);
    const ckpt = await openSafetensors(file);
    expect(ckpt.metadata).toEqual({ format: 'pt' });
    expect(ckpt.warnings).toEqual([]);
    for (const [st, dtype] of ALL) {
      const t = ckpt.tensors.find((x) => x.name === `t.${st}`)!;
      expect([t.dtype, t.shape]).toEqual([dtype, [2, 3]]);
      expect(await ckpt.read(t.name)).toEqual(tensors[`t.${st}`]!.data);
    }
    expect(ckpt.tensors.find((t) => t.name === 'scalar')!.shape).toEqual([]);
    expect(await ckpt.read('empty')).toHaveLength(0);
  });

  it('sub-byte dtypes are validated but left out with a warning', async () => {
    const ckpt = await openSafetensors(memorySource('x.safetensors', write({ a: { dtype: 'F4', shape: [4], data: bytes(2) }, b: { dtype: 'F32', shape: [1], data: bytes(4) } })));
    expect(ckpt.tensors.map((t) => t.name)).toEqual(['b']);
    expect(ckpt.warnings[0]).toMatch(/a has dtype F4/);
  });

  it('reads only the header to list, and the tensor range to read', async () => {
    const data = write({ big: { dtype: 'F32', shape: [1000], data: bytes(4000) }, small: { dtype: 'U8', shape: [3], data: bytes(3, 7) } });
    const inner = memorySource('m.safetensors', data);
    const reads: number[] = [];
    const counted: ByteSource = { path: inner.path, size: inner.size, read: (o, n) => (reads.push(n), inner.read(o, n)) };
    const ckpt = await openSafetensors(counted);
    expect(Math.max(...reads)).toBeLessThan(200);
    reads.length = 0;
    await ckpt.read('small');
    expect(reads).toEqual([3]);
  });

  it('sharded: the index with its shards', async () => {
    const s1 = write({ a: { dtype: 'F32', shape: [2], data: bytes(8) } });
    const s2 = write({ b: { dtype: 'I64', shape: [1], data: bytes(8, 3) }, c: { dtype: 'BF16', shape: [3], data: bytes(6, 5) } });
    const index = { metadata: { total_size: 22 }, weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors', c: 'model-00002-of-00002.safetensors' } };
    const files = [
      memorySource('hf/model.safetensors.index.json', new TextEncoder().encode(JSON.stringify(index))),
      memorySource('hf/model-00001-of-00002.safetensors', s1),
      memorySource('hf/model-00002-of-00002.safetensors', s2),
    ];
    const candidates = await listCandidates(files);
    expect(candidates.map((c) => c.id)).toEqual(['hf/model.safetensors.index.json']);
    const ckpt = await openCheckpoint(files);
    expect(ckpt.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([['a', 'float32', [2]], ['b', 'int64', [1]], ['c', 'bfloat16', [3]]]);
    expect(await ckpt.read('c')).toEqual(bytes(6, 5));
    expect(ckpt.files).toHaveLength(3);

    const err = await openCheckpoint(files.slice(0, 2)).catch((e: unknown) => e);
    expect((err as GraftError).code).toBe('missing-file');
    expect((err as GraftError).message).toMatch(/model-00002-of-00002\.safetensors/);
  });
});

describe('safetensors hostile files: a specific error naming the file, nothing allocated beyond the file', () => {
  const cases: [string, () => Uint8Array, GraftErrorCode, RegExp][] = [
    ['shorter than the length prefix', () => new Uint8Array([1, 2, 3]), 'truncated', /8-byte header length/],
    [
      'header over 100 MB',
      () => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setBigUint64(0, 100_000_001n, true);
        b[8] = 0x7b;
        return b;
      },
      'too-large',
      /100 MB/,
    ],
    [
      'header length past the end of the file',
      () => {
        const b = new Uint8Array(64);
        new DataView(b.buffer).setBigUint64(0, 1000n, true);
        b[8] = 0x7b;
        return b;
      },
      'truncated',
      /header length is 1000 bytes/,
    ],
    [
      'header length of 2^64 − 1',
      () => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
        return b;
      },
      'too-large',
      /100 MB/,
    ],
    ['header that is a JSON array', () => raw([1, 2], 0), 'corrupt', /JSON object/],
    ['header that is not JSON', () => header('{"a": '), 'corrupt', /not valid JSON/],
    ['unknown dtype', () => raw({ a: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, 16), 'corrupt', /unknown dtype "F128"/],
    [
      'overlapping offsets',
      () => raw({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12),
      'corrupt',
      /tensor b: data_offsets \[4, 12\] overlaps/,
    ],
    [
      'a hole between tensors',
      () => raw({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, 12),
      'corrupt',
      /tensor b: .*leaves a hole/,
    ],
    [
      'end before begin',
      () => raw({ a: { dtype: 'U8', shape: [0], data_offsets: [0, 0] }, b: { dtype: 'U8', shape: [1], data_offsets: [0, -1] } }, 0),
      'corrupt',
      /data_offsets must be \[begin, end\]/,
    ],
    ['shape and byte size disagree', () => raw({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8), 'corrupt', /needs 12 bytes but data_offsets give 8/],
    ['absurd shape', () => raw({ a: { dtype: 'F64', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, 8), 'corrupt', /needs \d+ bytes but data_offsets give 8/],
    ['truncated data', () => raw({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 10), 'truncated', /only 10 follow/],
    ['trailing bytes after the data', () => raw({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 9), 'corrupt', /9 follow/],
    ['negative shape', () => raw({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4), 'corrupt', /non-negative integers/],
    ['metadata that is not strings', () => raw({ __metadata__: { a: 1 } }, 0), 'corrupt', /__metadata__\.a must be a string/],
  ];
  for (const [what, build, code, sentence] of cases) {
    it(what, async () => {
      const file = memorySource('bad.safetensors', build());
      const err = await openCheckpoint([file]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GraftError);
      expect({ code: (err as GraftError).code, file: (err as GraftError).file }).toEqual({ code, file: 'bad.safetensors' });
      expect((err as GraftError).message).toMatch(sentence);
    });
  }
});
