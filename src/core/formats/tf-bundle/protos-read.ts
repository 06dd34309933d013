/**
 * The protocol buffers a tensor bundle is read with, decoded by hand: BundleHeaderProto, BundleEntryProto and
 * TrackableObjectGraph (tensorflow/core/protobuf/tensor_bundle.proto, framework/{tensor_shape,tensor_slice,
 * versions}.proto, protobuf/trackable_object_graph.proto). protobufjs (protos.ts, for writing) parses its schema
 * text and generates code when loaded, ~150 kB the page's worker had to load before the first checkpoint listed.
 * Same results as protobufjs' decode + toObject with defaults (protos-read.test.ts compares them); unknown fields
 * are skipped.
 */
import { GraftError } from '../../errors';
import { clip } from '../../io/untrusted';
import type { DType } from '../../model/dtypes';

export interface SliceExtent {
  start: number;
  /** -1 for the full extent of that dimension. */
  length: number;
}

export interface BundleHeader {
  numShards: number;
  littleEndian: boolean;
  version: { producer: number; minConsumer: number };
}

export interface BundleEntry {
  dtypeCode: number;
  shape: number[];
  unknownRank: boolean;
  shardId: number;
  offset: number;
  size: number;
  /** As stored: masked. */
  crc32c: number;
  slices: SliceExtent[][];
}

export interface ObjectGraph {
  nodes: {
    children: { node_id: number; local_name: string }[];
    attributes: { name: string; full_name: string; checkpoint_key: string }[];
    slot_variables: { original_variable_node_id: number; slot_name: string; slot_variable_node_id: number }[];
  }[];
}

// tensorflow/core/framework/types.proto, enum DataType
const DTYPES: readonly (DType | undefined)[] = [
  undefined, 'float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'string', 'complex64', 'int64',
  'bool', 'qint8', 'quint8', 'qint32', 'bfloat16', 'qint16', 'quint16', 'uint16', 'complex128', 'float16',
  'resource', 'variant', 'uint32', 'uint64', 'float8_e5m2', 'float8_e4m3fn', 'float8_e4m3fnuz',
  'float8_e4m3b11fnuz', 'float8_e5m2fnuz', 'int4', 'uint4', 'int2', 'uint2',
];

export function dtypeFromCode(code: number): DType | undefined {
  return DTYPES[code];
}

export function dtypeToCode(dtype: DType): number {
  const i = DTYPES.indexOf(dtype);
  if (i <= 0) throw new RangeError(`no TensorFlow DataType for ${dtype}`);
  return i;
}

/** TF's enum name for a Graft dtype, e.g. `DT_FLOAT` for float32. */
export function tfDtypeName(code: number): string {
  const names = [
    'DT_INVALID', 'DT_FLOAT', 'DT_DOUBLE', 'DT_INT32', 'DT_UINT8', 'DT_INT16', 'DT_INT8', 'DT_STRING', 'DT_COMPLEX64',
    'DT_INT64', 'DT_BOOL', 'DT_QINT8', 'DT_QUINT8', 'DT_QINT32', 'DT_BFLOAT16', 'DT_QINT16', 'DT_QUINT16', 'DT_UINT16',
    'DT_COMPLEX128', 'DT_HALF', 'DT_RESOURCE', 'DT_VARIANT', 'DT_UINT32', 'DT_UINT64', 'DT_FLOAT8_E5M2',
    'DT_FLOAT8_E4M3FN', 'DT_FLOAT8_E4M3FNUZ', 'DT_FLOAT8_E4M3B11FNUZ', 'DT_FLOAT8_E5M2FNUZ', 'DT_INT4', 'DT_UINT4',
    'DT_INT2', 'DT_UINT2',
  ];
  return names[code] ?? `DataType ${code}`;
}

/** Thrown inside the reader; `decode` turns it into the GraftError that names the message. */
class WireError extends Error {}

// Strict, as protobufjs 8 and TF's C++ parser are for proto3 strings: invalid UTF-8 makes the message invalid.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** protobufjs' limit on nested groups (protoc's default recursion limit). */
const MAX_DEPTH = 100;

/**
 * A protobuf wire reader over `bytes[pos, end)`, as strict as protobufjs 8: a field of the wrong wire type is skipped,
 * field number 0 and malformed varints, lengths and groups are refused, nothing is read past a field's end.
 */
function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new WireError('invalid UTF-8 in a string field');
  }
}

class Wire {
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  private byte(): number {
    if (this.pos >= this.end) throw new WireError('truncated');
    return this.bytes[this.pos++]!;
  }

  /** A varint as its low and high 32 bits (at most 10 bytes; of the 10th only its lowest bit counts). */
  private varint(): [number, number] {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) return [lo >>> 0, hi >>> 0];
    }
    throw new WireError('invalid varint encoding');
  }

  /** A tag or a length: at most 5 bytes, a tag within 32 bits, a length within 31. */
  private varint32(limit: number): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.byte();
      v |= (b & 0x7f) << (7 * i);
      if (b < 0x80) return v >>> 0;
    }
    const b = this.byte();
    if (b > limit) throw new WireError('invalid varint encoding');
    return (v | (b << 28)) >>> 0;
  }

  tag(): number {
    return this.varint32(0x0f);
  }

  private size(): number {
    return this.varint32(0x07);
  }

  /** int32 and enum: the low 32 bits. */
  int32(): number {
    return this.varint()[0] | 0;
  }

  bool(): boolean {
    const [lo, hi] = this.varint();
    return (lo | hi) !== 0;
  }

  /** A signed int64: a number while it is a safe integer, else its decimal text (which `int64` then refuses). */
  int64(): number | string {
    const [lo, hi] = this.varint();
    const n = (hi | 0) * 0x1_0000_0000 + lo;
    return Number.isSafeInteger(n) ? n : ((BigInt(hi | 0) << 32n) + BigInt(lo)).toString();
  }

  fixed32(): number {
    if (this.end - this.pos < 4) throw new WireError('truncated fixed32');
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  /** The reader of a length-delimited field's bytes; this one moves past them. */
  sub(): Wire {
    const length = this.size();
    if (length > this.end - this.pos) throw new WireError('length past the end');
    const inner = new Wire(this.bytes, this.pos, this.pos + length);
    this.pos += length;
    return inner;
  }

  string(): string {
    const s = this.sub();
    const { bytes } = this;
    // Names are short and mostly ASCII: spelled directly, without TextDecoder's call cost.
    if (s.end - s.pos <= 64) {
      let out = '';
      for (let i = s.pos; i < s.end; i++) {
        const c = bytes[i]!;
        if (c >= 0x80) return decodeUtf8(bytes.subarray(s.pos, s.end));
        out += String.fromCharCode(c);
      }
      return out;
    }
    return decodeUtf8(bytes.subarray(s.pos, s.end));
  }

  skip(wireType: number, field: number, depth = 0): void {
    if (depth > MAX_DEPTH) throw new WireError('max depth exceeded');
    if (field === 0) throw new WireError('illegal tag: field number 0');
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.advance(8);
        return;
      case 2:
        this.advance(this.size());
        return;
      case 3:
        for (;;) {
          const t = this.tag();
          if (t >>> 3 === 0) throw new WireError('illegal tag: field number 0');
          if ((t & 7) === 4) {
            if (t >>> 3 !== field) throw new WireError('invalid end group tag');
            return;
          }
          this.skip(t & 7, t >>> 3, depth + 1);
        }
      case 5:
        this.advance(4);
        return;
      default:
        throw new WireError(`invalid wire type ${wireType}`);
    }
  }

  private advance(n: number): void {
    if (this.end - this.pos < n) throw new WireError('truncated field');
    this.pos += n;
  }

  /**
   * Calls `field(number, wireType)` for each field; `field` reads it and returns true, or returns false to have it
   * skipped (unknown, or of another wire type than its declared one).
   */
  fields(field: (n: number, wireType: number) => boolean): void {
    while (this.pos < this.end) {
      const t = this.tag();
      if (!field(t >>> 3, t & 7)) this.skip(t & 7, t >>> 3);
    }
  }

  /** A repeated int32 field: packed (wire type 2) or one value. */
  int32s(wireType: number, into: number[]): boolean {
    if (wireType === 0) into.push(this.int32());
    else if (wireType === 2) {
      const packed = this.sub();
      while (packed.pos < packed.end) into.push(packed.int32());
    } else return false;
    return true;
  }
}

/** Wire types: a varint, a 32-bit fixed value, a length-delimited field. */
const VARINT = 0;
const FIXED32 = 5;
const DELIMITED = 2;

function decode<T>(bytes: Uint8Array, file: string, what: string, type: string, read: (w: Wire) => T): T {
  try {
    return read(new Wire(bytes, 0, bytes.length));
  } catch (cause) {
    if (!(cause instanceof WireError)) throw cause;
    throw new GraftError('corrupt', file, `${what} is not a valid ${type} — the file is damaged or not a TensorFlow checkpoint`, { cause });
  }
}

/** An int64 field as a safe integer, or a 'too-large' error. */
function int64(v: number | string, file: string, what: string, allowNegative = false): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || (!allowNegative && n < 0)) {
    throw new GraftError('too-large', file, `${what} is ${String(v)}, outside the range Graft can address — the index is damaged`);
  }
  return n;
}

export function decodeHeader(bytes: Uint8Array, file: string): BundleHeader {
  return decode(bytes, file, 'the header entry (key "")', 'BundleHeaderProto', (w) => {
    const h: BundleHeader = { numShards: 0, littleEndian: true, version: { producer: 0, minConsumer: 0 } };
    w.fields((n, wt) => {
      if (n === 1 && wt === VARINT) h.numShards = w.int32();
      else if (n === 2 && wt === VARINT) h.littleEndian = w.int32() === 0;
      else if (n === 3 && wt === DELIMITED) {
        const v = w.sub();
        const bad: number[] = [];
        v.fields((m, vt) => {
          if (m === 1 && vt === VARINT) h.version.producer = v.int32();
          else if (m === 2 && vt === VARINT) h.version.minConsumer = v.int32();
          else return m === 3 && v.int32s(vt, bad);
          return true;
        });
      } else return false;
      return true;
    });
    return h;
  });
}

type RawInt64 = number | string;

interface RawEntry {
  dtype: number;
  dims: RawInt64[];
  unknownRank: boolean;
  shardId: number;
  offset: RawInt64;
  size: RawInt64;
  crc32c: number;
  slices: { start: RawInt64; length?: RawInt64 }[][];
}

/** A TensorShapeProto; a shape given twice merges, as protobuf says (the dims add up). */
function readShape(w: Wire, e: RawEntry): void {
  w.fields((n, wt) => {
    if (n === 2 && wt === DELIMITED) {
      const d = w.sub();
      let size: RawInt64 = 0;
      d.fields((m, dt) => {
        if (m === 1 && dt === VARINT) size = d.int64();
        else if (m === 2 && dt === DELIMITED) d.string();
        else return false;
        return true;
      });
      e.dims.push(size);
    } else if (n === 3 && wt === VARINT) e.unknownRank = w.bool();
    else return false;
    return true;
  });
}

function readSlice(w: Wire): { start: RawInt64; length?: RawInt64 }[] {
  const extents: { start: RawInt64; length?: RawInt64 }[] = [];
  w.fields((n, wt) => {
    if (n !== 1 || wt !== DELIMITED) return false;
    const x = w.sub();
    const extent: { start: RawInt64; length?: RawInt64 } = { start: 0 };
    x.fields((m, xt) => {
      if (m === 1 && xt === VARINT) extent.start = x.int64();
      else if (m === 2 && xt === VARINT) extent.length = x.int64();
      else return false;
      return true;
    });
    extents.push(extent);
    return true;
  });
  return extents;
}

export function decodeEntry(bytes: Uint8Array, file: string, key: string): BundleEntry {
  const what = `the entry for "${clip(key)}"`;
  const e = decode(bytes, file, what, 'BundleEntryProto', (w) => {
    const raw: RawEntry = { dtype: 0, dims: [], unknownRank: false, shardId: 0, offset: 0, size: 0, crc32c: 0, slices: [] };
    w.fields((n, wt) => {
      if (n === 1 && wt === VARINT) raw.dtype = w.int32();
      else if (n === 2 && wt === DELIMITED) readShape(w.sub(), raw);
      else if (n === 3 && wt === VARINT) raw.shardId = w.int32();
      else if (n === 4 && wt === VARINT) raw.offset = w.int64();
      else if (n === 5 && wt === VARINT) raw.size = w.int64();
      else if (n === 6 && wt === FIXED32) raw.crc32c = w.fixed32();
      else if (n === 7 && wt === DELIMITED) raw.slices.push(readSlice(w.sub()));
      else return false;
      return true;
    });
    return raw;
  });
  return {
    dtypeCode: e.dtype,
    shape: e.dims.map((d) => int64(d, file, `a dimension of ${what}`, true)),
    unknownRank: e.unknownRank,
    shardId: e.shardId,
    offset: int64(e.offset, file, `the offset of ${what}`),
    size: int64(e.size, file, `the size of ${what}`),
    crc32c: e.crc32c >>> 0,
    slices: e.slices.map((s) =>
      s.map((x) => ({
        start: int64(x.start, file, `a slice start of ${what}`),
        length: x.length === undefined ? -1 : int64(x.length, file, `a slice length of ${what}`, true),
      })),
    ),
  };
}

type GraphNode = ObjectGraph['nodes'][number];

function readNode(w: Wire): GraphNode {
  const node: GraphNode = { children: [], attributes: [], slot_variables: [] };
  w.fields((n, wt) => {
    if (wt !== DELIMITED) return false;
    if (n === 1) {
      const c = w.sub();
      const child = { node_id: 0, local_name: '' };
      c.fields((m, ct) => {
        if (m === 1 && ct === VARINT) child.node_id = c.int32();
        else if (m === 2 && ct === DELIMITED) child.local_name = c.string();
        else return false;
        return true;
      });
      node.children.push(child);
    } else if (n === 2) {
      const a = w.sub();
      const attribute = { name: '', full_name: '', checkpoint_key: '' };
      a.fields((m, at) => {
        if (at !== DELIMITED) return false;
        if (m === 1) attribute.name = a.string();
        else if (m === 2) attribute.full_name = a.string();
        else if (m === 3) attribute.checkpoint_key = a.string();
        else return false;
        return true;
      });
      node.attributes.push(attribute);
    } else if (n === 3) {
      const s = w.sub();
      const slot = { original_variable_node_id: 0, slot_name: '', slot_variable_node_id: 0 };
      s.fields((m, st) => {
        if (m === 1 && st === VARINT) slot.original_variable_node_id = s.int32();
        else if (m === 2 && st === DELIMITED) slot.slot_name = s.string();
        else if (m === 3 && st === VARINT) slot.slot_variable_node_id = s.int32();
        else return false;
        return true;
      });
      node.slot_variables.push(slot);
    } else return false;
    return true;
  });
  return node;
}

export function decodeObjectGraph(bytes: Uint8Array, file: string): ObjectGraph {
  return decode(bytes, file, 'the object graph (_CHECKPOINTABLE_OBJECT_GRAPH)', 'TrackableObjectGraph', (w) => {
    const graph: ObjectGraph = { nodes: [] };
    w.fields((n, wt) => {
      if (n !== 1 || wt !== DELIMITED) return false;
      graph.nodes.push(readNode(w.sub()));
      return true;
    });
    return graph;
  });
}
