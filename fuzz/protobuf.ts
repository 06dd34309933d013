/** A schema-free protobuf codec for mutating: fields in order, varints as bigint, nested messages left as bytes. */
import { BOUNDARY_INTS, concat } from './mutate-bytes';
import type { Rng } from './rng';

export interface Field {
  no: number;
  wire: number;
  /** varint / fixed: the integer; length-delimited: the bytes. */
  int?: bigint;
  bytes?: Uint8Array;
}

export function readVarint(b: Uint8Array, p: number): [bigint, number] | null {
  let v = 0n;
  for (let i = 0; i < 10; i++) {
    if (p + i >= b.length) return null;
    const byte = b[p + i]!;
    v |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if (byte < 0x80) return [v, p + i + 1];
  }
  return null;
}

export function varint(v: bigint): Uint8Array {
  let x = BigInt.asUintN(64, v);
  const out: number[] = [];
  do {
    const byte = Number(x & 0x7fn);
    x >>= 7n;
    out.push(x ? byte | 0x80 : byte);
  } while (x);
  return Uint8Array.from(out);
}

/** The fields of `b`, or null when it does not parse to the end as a message. */
export function decode(b: Uint8Array): Field[] | null {
  const fields: Field[] = [];
  let p = 0;
  while (p < b.length) {
    const tag = readVarint(b, p);
    if (!tag || tag[0] === 0n) return null;
    p = tag[1];
    const no = Number(tag[0] >> 3n);
    const wire = Number(tag[0] & 7n);
    if (wire === 0) {
      const v = readVarint(b, p);
      if (!v) return null;
      fields.push({ no, wire, int: v[0] });
      p = v[1];
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (p + n > b.length) return null;
      let v = 0n;
      for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[p + i]!);
      fields.push({ no, wire, int: v });
      p += n;
    } else if (wire === 2) {
      const n = readVarint(b, p);
      if (!n || n[1] + Number(n[0]) > b.length) return null;
      fields.push({ no, wire, bytes: b.slice(n[1], n[1] + Number(n[0])) });
      p = n[1] + Number(n[0]);
    } else return null;
  }
  return fields;
}

export function encode(fields: readonly Field[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    parts.push(varint((BigInt(f.no) << 3n) | BigInt(f.wire)));
    if (f.wire === 0) parts.push(varint(f.int ?? 0n));
    else if (f.wire === 1 || f.wire === 5) {
      const n = f.wire === 1 ? 8 : 4;
      const v = BigInt.asUintN(n * 8, f.int ?? 0n);
      parts.push(Uint8Array.from({ length: n }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn)));
    } else {
      const bytes = f.bytes ?? new Uint8Array(0);
      parts.push(varint(BigInt(bytes.length)), bytes);
    }
  }
  return concat(...parts);
}

const NEGATIVE = [-1n, -2n, -(1n << 31n), -(1n << 63n)];

/** One field of a message (or of a message nested in it) changed, dropped, duplicated or added. */
export function mutateMessage(rng: Rng, b: Uint8Array, depth = 0): Uint8Array {
  const fields = decode(b);
  if (!fields || fields.length === 0) {
    return encode([...(fields ?? []), { no: rng.range(1, 8), wire: 0, int: rng.pick(BOUNDARY_INTS) }]);
  }
  const i = rng.int(fields.length);
  const f = fields[i]!;
  if (f.wire === 2 && depth < 6 && rng.chance(0.6) && decode(f.bytes!)) {
    fields[i] = { ...f, bytes: mutateMessage(rng, f.bytes!, depth + 1) };
    return encode(fields);
  }
  const op = rng.int(8);
  if (op === 0) fields.splice(i, 1);
  else if (op === 1) fields.splice(i, 0, ...Array.from({ length: rng.pick([1, 1, 2, 100]) }, () => ({ ...f })));
  else if (op === 2) fields.push({ no: rng.chance(0.5) ? f.no : rng.range(1, 20), wire: rng.pick([0, 1, 2, 5]), int: rng.pick(BOUNDARY_INTS), bytes: new Uint8Array(rng.int(8)) });
  else if (f.wire === 2) {
    const bytes = f.bytes!.slice();
    if (op === 3) fields[i] = { ...f, bytes: bytes.subarray(0, rng.int(bytes.length + 1)) };
    else if (op === 4) fields[i] = { ...f, bytes: concat(bytes, Uint8Array.from({ length: rng.range(1, 8) }, () => rng.int(256))) };
    else {
      if (bytes.length) bytes[rng.int(bytes.length)] = rng.int(256);
      fields[i] = { ...f, bytes };
    }
  } else {
    const v = op === 3 ? rng.pick(NEGATIVE) : op === 4 ? (f.int ?? 0n) + BigInt(rng.range(-2, 2)) : rng.pick(BOUNDARY_INTS);
    fields[i] = { ...f, int: v };
  }
  return encode(fields);
}
