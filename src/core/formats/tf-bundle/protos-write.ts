/**
 * The bundle's protocol buffers encoded by hand (wire format: https://protobuf.dev/programming-guides/encoding/),
 * byte for byte as protobufjs encoded them before (protos-write.test.ts compares both): loading and setting up
 * protobufjs cost every CLI export ~0.05 s of CPU for three small messages. Fields in field-number order; proto3
 * scalars left out when zero or empty.
 */
import type { BundleEntry, ObjectGraph } from './protos-read';

const utf8 = new TextEncoder();

class Writer {
  private buf = new Uint8Array(64);
  private len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** A varint: a whole number as is, a negative one as its 64-bit two's complement (10 bytes), as int32/int64 are. */
  varint(v: number): void {
    this.room(10);
    if (v < 0) {
      let x = BigInt.asUintN(64, BigInt(v));
      for (; x >= 0x80n; x >>= 7n) this.buf[this.len++] = Number(x & 0x7fn) | 0x80;
      this.buf[this.len++] = Number(x);
      return;
    }
    for (; v >= 0x80; v = Math.floor(v / 0x80)) this.buf[this.len++] = (v % 0x80) | 0x80;
    this.buf[this.len++] = v;
  }

  /** A proto3 scalar: left out when zero, unless it has presence (a oneof member). */
  int(field: number, v: number, present = false): void {
    if (v === 0 && !present) return;
    this.varint(field * 8);
    this.varint(v);
  }

  fixed32(field: number, v: number): void {
    this.varint(field * 8 + 5);
    this.room(4);
    new DataView(this.buf.buffer).setUint32(this.len, v >>> 0, true);
    this.len += 4;
  }

  bytes(field: number, b: Uint8Array): void {
    this.varint(field * 8 + 2);
    this.varint(b.byteLength);
    this.room(b.byteLength);
    this.buf.set(b, this.len);
    this.len += b.byteLength;
  }

  string(field: number, s: string): void {
    if (s !== '') this.bytes(field, utf8.encode(s));
  }

  message(field: number, write: (w: Writer) => void): void {
    const inner = new Writer();
    write(inner);
    this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Serialises like C++ proto3: zero-valued scalar fields are left out. */
export function encodeHeader(h: { numShards: number; littleEndian: boolean; producer?: number }): Uint8Array {
  const w = new Writer();
  if (h.numShards) w.int(1, h.numShards | 0);
  if (!h.littleEndian) w.int(2, 1);
  w.message(3, (v) => v.int(1, (h.producer ?? 1) | 0));
  return w.finish();
}

export function encodeEntry(e: Omit<BundleEntry, 'unknownRank'>): Uint8Array {
  const w = new Writer();
  if (e.dtypeCode) w.int(1, e.dtypeCode | 0);
  w.message(2, (shape) => {
    for (const size of e.shape) {
      shape.message(2, (dim) => {
        if (size) dim.int(1, size);
      });
    }
  });
  if (e.shardId) w.int(3, e.shardId | 0);
  if (e.offset) w.int(4, e.offset);
  if (e.size) w.int(5, e.size);
  if (e.crc32c) w.fixed32(6, e.crc32c);
  for (const slice of e.slices) {
    w.message(7, (s) => {
      for (const x of slice) {
        s.message(1, (ext) => {
          if (x.start) ext.int(1, x.start);
          if (x.length >= 0) ext.int(2, x.length, true); // has_length: a length of 0 is written
        });
      }
    });
  }
  return w.finish();
}

const given = (v: unknown) => v !== undefined && v !== null;

/** The serialised TrackableObjectGraph of an object-based checkpoint (the `_CHECKPOINTABLE_OBJECT_GRAPH` string). */
export function encodeObjectGraph(graph: ObjectGraph): Uint8Array {
  const w = new Writer();
  for (const node of graph.nodes) {
    w.message(1, (n) => {
      for (const c of node.children ?? []) {
        n.message(1, (r) => {
          if (given(c.node_id)) r.int(1, c.node_id | 0);
          if (given(c.local_name)) r.string(2, String(c.local_name));
        });
      }
      for (const a of node.attributes ?? []) {
        n.message(2, (t) => {
          if (given(a.name)) t.string(1, String(a.name));
          if (given(a.full_name)) t.string(2, String(a.full_name));
          if (given(a.checkpoint_key)) t.string(3, String(a.checkpoint_key));
        });
      }
      for (const s of node.slot_variables ?? []) {
        n.message(3, (r) => {
          if (given(s.original_variable_node_id)) r.int(1, s.original_variable_node_id | 0);
          if (given(s.slot_name)) r.string(2, String(s.slot_name));
          if (given(s.slot_variable_node_id)) r.int(3, s.slot_variable_node_id | 0);
        });
      }
    });
  }
  return w.finish();
}
