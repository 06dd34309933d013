import { GraftError } from '../../errors';

/**
 * Walks a byte buffer that was read from `file` at absolute offset `base`, checking every length
 * against what is left before touching or allocating anything. Errors name the absolute offset.
 */
export class Cursor {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    readonly base: number,
    /** What the bytes are, for error sentences: "index block", "block entry"... */
    readonly what: string,
    /** Appended to each error sentence, e.g. " — the file is damaged or not a TensorFlow checkpoint index". */
    readonly hint = '',
  ) {}

  get remaining(): number {
    return this.bytes.byteLength - this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.bytes.byteLength;
  }

  fail(sentence: string): GraftError {
    return new GraftError('corrupt', this.file, `${sentence}${this.hint}`);
  }

  /** A varint of at most `maxBits` bits (32 or 64); the result must be a safe integer. */
  varint(maxBits: 32 | 64, name: string): number {
    const start = this.pos;
    const maxBytes = maxBits === 32 ? 5 : 10;
    let result = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (i >= maxBytes) {
        throw this.fail(`${name} at offset ${this.base + start} in the ${this.what} is a varint longer than ${maxBytes} bytes`);
      }
      if (this.pos >= this.bytes.byteLength) {
        throw this.fail(`${name} at offset ${this.base + start} in the ${this.what} runs past the end of the ${this.what}`);
      }
      const byte = this.bytes[this.pos++]!;
      result += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) break;
    }
    if (!Number.isSafeInteger(result) || (maxBits === 32 && result > 0xffffffff)) {
      throw new GraftError(
        'too-large',
        this.file,
        `${name} at offset ${this.base + start} in the ${this.what} is ${result > 1e15 ? 'larger than 2^53' : result}, which cannot be right${this.hint}`,
      );
    }
    return result;
  }

  fixed32(name: string): number {
    this.need(4, name);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  /** A view (no copy) of the next `length` bytes. */
  take(length: number, name: string): Uint8Array {
    this.need(length, name);
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  need(length: number, name: string): void {
    if (length > this.remaining) {
      throw this.fail(
        `${name} at offset ${this.base + this.pos} needs ${length} bytes but only ${this.remaining} are left in the ${this.what}`,
      );
    }
  }
}

export function putVarint(out: number[], value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint out of range: ${value}`);
  while (value >= 0x80) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
}

export function putFixed32(out: number[], value: number): void {
  out.push(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
}

/** Concatenates byte arrays into one. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.byteLength;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}
