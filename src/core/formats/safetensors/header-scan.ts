/**
 * The safetensors header as writers write it, read straight from its text: `{"name":{"dtype":"BF16","shape":[2,8],
 * "data_offsets":[0,32]},...,"__metadata__":{"format":"pt"}}`. JSON.parse would first make an object, two arrays and
 * a key per tensor (tens of thousands in an LLM checkpoint), all dropped once the entries are made.
 * Anything this does not know for certain to mean what JSON.parse + parseEntries make of it (an escape, a line
 * break or other control character anywhere, a number
 * that is not a plain integer, a name given twice, an array-index name that Object.keys would list first, another
 * key in a tensor, an unknown dtype, invalid JSON) gives null, and the caller takes that route, with its errors.
 */
import { own, setOwn } from '../../io/untrusted';
import type { DType } from '../../model/dtypes';
import type { SafetensorsEntry } from './read';

export interface ScannedHeader {
  entries: SafetensorsEntry[];
  /** Each entry's data offsets as written: relative[2i], relative[2i + 1]. */
  relative: number[];
  metadata: Record<string, string>;
}

const QUOTE = 34;
// eslint-disable-next-line no-control-regex
const NOT_PLAIN = /[\x00-\x1f\\]/;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

// Object.keys lists these first, in numeric order (ECMA-262 OrdinaryOwnPropertyKeys).
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;
const isArrayIndex = (k: string) => ARRAY_INDEX.test(k) && Number(k) < 2 ** 32 - 1;

/**
 * parseEntries' result for `text` (the whole header, starting `{`), or null where JSON.parse's route must decide.
 * `dtypes`: read.ts's SAFETENSORS_DTYPES (passed in, so that this module does not import read.ts back).
 */
export function scanHeader(text: string, headerLength: number, dtypes: Readonly<Record<string, { dtype: DType | null }>>): ScannedHeader | null {
  const n = text.length;
  let at = 0;
  let failed = false;
  const fail = () => {
    failed = true;
    return -1;
  };
  const skip = () => {
    let c = text.charCodeAt(at);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++at);
  };
  const expect = (code: number): boolean => {
    skip();
    if (text.charCodeAt(at) !== code) return false;
    at++;
    return true;
  };
  /** A string, as a slice of the text (which holds no escape or control character); '' with `failed` set otherwise. */
  const string = (): string => {
    skip();
    if (text.charCodeAt(at) !== QUOTE) return (fail(), '');
    const start = at + 1;
    const end = text.indexOf('"', start);
    if (end < 0) return (fail(), '');
    at = end + 1;
    return text.slice(start, end);
  };
  /** A plain non-negative integer of at most 15 digits (always exact in a double). */
  const integer = (): number => {
    skip();
    const start = at;
    let v = 0;
    for (let c = text.charCodeAt(at); c >= 48 && c <= 57; c = text.charCodeAt(++at)) v = v * 10 + (c - 48);
    const digits = at - start;
    if (digits === 0 || digits > 15 || (digits > 1 && text.charCodeAt(start) === 48)) return fail();
    const c = text.charCodeAt(at);
    // A fraction or exponent: JSON.parse's route decides what it is.
    if (c === 46 || c === 101 || c === 69) return fail();
    return v;
  };
  // A list's numbers go to `list` first: an array pushed to from empty holds 17 slots, and shapes are kept.
  const list: number[] = [];
  /** A list of integers into `list`; its length, -1 with `failed` set where it is not one. */
  const integers = (): number => {
    if (!expect(OPEN_BRACKET)) return fail();
    let k = 0;
    if (expect(CLOSE_BRACKET)) return 0;
    do list[k++] = integer();
    while (!failed && expect(COMMA));
    if (failed || !expect(CLOSE_BRACKET)) return fail();
    return k;
  };

  // An escape, or a control character (JSON.parse refuses one in a string, and a compact header has none outside):
  // strings then end at the next quote, found natively.
  if (NOT_PLAIN.test(text)) return null;
  const seen = new Set<string>();
  const entries: SafetensorsEntry[] = [];
  const relative: number[] = [];
  const metadata: Record<string, string> = {};
  if (!expect(OPEN_BRACE)) return null;
  if (!expect(CLOSE_BRACE)) {
    do {
      const name = string();
      if (failed || seen.has(name) || isArrayIndex(name) || !expect(COLON) || !expect(OPEN_BRACE)) return null;
      seen.add(name);
      if (name === '__metadata__') {
        if (!metadataBody()) return null;
        continue;
      }
      let dtype: string | undefined;
      let shape: number[] | undefined;
      let s = -1;
      let e = -1;
      do {
        const key = string();
        if (failed || !expect(COLON)) return null;
        if (key === 'dtype' && dtype === undefined) dtype = string();
        else if (key === 'shape' && shape === undefined) shape = list.slice(0, integers());
        else if (key === 'data_offsets' && s < 0) {
          if (integers() !== 2) return null;
          s = list[0]!;
          e = list[1]!;
        } else return null;
        if (failed) return null;
      } while (expect(COMMA));
      if (!expect(CLOSE_BRACE) || dtype === undefined || shape === undefined || s < 0) return null;
      const known = own(dtypes, dtype);
      if (!known) return null;
      entries.push({ name, stDtype: dtype, dtype: known.dtype, shape, begin: 8 + headerLength + s, end: 8 + headerLength + e });
      relative.push(s, e);
    } while (expect(COMMA));
    if (!expect(CLOSE_BRACE)) return null;
  }
  skip();
  if (at !== n) return null;
  return { entries, relative, metadata };

  /** `__metadata__`'s object of strings, after its `{`; parseEntries' order, so array-index keys give up. */
  function metadataBody(): boolean {
    if (expect(CLOSE_BRACE)) return true;
    const keys = new Set<string>();
    do {
      const k = string();
      if (failed || keys.has(k) || isArrayIndex(k) || !expect(COLON)) return false;
      keys.add(k);
      const v = string();
      if (failed) return false;
      setOwn(metadata, k, v);
    } while (expect(COMMA));
    return expect(CLOSE_BRACE);
  }
}
