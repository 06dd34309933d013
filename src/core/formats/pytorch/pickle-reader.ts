/** The byte reader of the pickle interpreter (pickle.ts) and the decoders of its text and number encodings. */
import { GraftError } from '../../errors';

export class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    readonly what: string,
    start: number,
  ) {
    this.pos = start;
  }

  fail(sentence: string, code: 'corrupt' | 'truncated' | 'unsupported' = 'corrupt'): never {
    throw new GraftError(code, this.file, `${this.what}: ${sentence}`);
  }

  take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.bytes.length) this.fail(`ends at offset ${this.bytes.length} before its STOP opcode — the file is truncated`, 'truncated');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  u8(): number {
    return this.take(1)[0]!;
  }

  view(n: number): DataView {
    const b = this.take(n);
    return new DataView(b.buffer, b.byteOffset, n);
  }

  /** A length that must fit in what is left of the pickle. */
  length(n: number | bigint): number {
    if (BigInt(n) > BigInt(this.bytes.length - this.pos)) this.fail(`an item claims ${n} bytes but only ${this.bytes.length - this.pos} are left — the file is truncated or damaged`, 'truncated');
    return Number(n);
  }

  line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('a text line has no end — the file is truncated', 'truncated');
    const text = latin1(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return text;
  }
}

export function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

/** Lone surrogates (pickled with 'surrogatepass') are not UTF-8: they read as replacement characters. */
export function utf8(b: Uint8Array): string {
  return new TextDecoder('utf-8').decode(b);
}

/** Python 2 `str` pickles are bytes: text when they are valid UTF-8 (as `torch.load(encoding='utf-8')` reads them). */
export function py2String(b: Uint8Array): string | Uint8Array {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return b.slice();
  }
}

/** Two's-complement little-endian bytes (LONG1, LONG4). */
export function decodeLong(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return v;
}

/** A protocol 0 `S` string: a Python repr in quotes, with backslash escapes. */
export function unquote(text: string, r: Reader): Uint8Array {
  const q = text[0];
  if ((q !== "'" && q !== '"') || text[text.length - 1] !== q || text.length < 2) r.fail(`STRING opcode holds ${JSON.stringify(text.slice(0, 20))}, not a quoted string`);
  const body = text.slice(1, -1);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (body[i] !== '\\') {
      out.push(c & 0xff);
      continue;
    }
    const e = body[++i];
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11, '0': 0 };
    if (e === 'x') {
      out.push(parseInt(body.slice(i + 1, i + 3), 16) & 0xff);
      i += 2;
    } else if (e !== undefined && /[0-7]/.test(e) && /[0-7]/.test(body[i + 1] ?? '')) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out.push(parseInt(m, 8) & 0xff);
      i += m.length - 1;
    } else if (e !== undefined && Object.hasOwn(simple, e)) out.push(simple[e]!);
    else out.push(92, (e ?? '').charCodeAt(0) & 0xff);
  }
  return new Uint8Array(out);
}

/** A protocol 0 `V` string: raw-unicode-escape (only `\uXXXX` and `\UXXXXXXXX` are escapes). */
export function rawUnicode(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, a: string | undefined, b: string | undefined) => String.fromCodePoint(parseInt(a ?? b!, 16)));
}
