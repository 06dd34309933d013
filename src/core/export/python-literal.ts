/**
 * JSON-like values as Python source: None/True/False, numbers that read back as the same double, strings with
 * every character that could end or bend the literal escaped. JSON text is not Python (`null`, `true`, `NaN`).
 */
import { GraftError } from '../errors';

/** A Python str literal (double-quoted) for any JS string, lone surrogates included. */
export function pyStr(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) || c === 0x2028 || c === 0x2029 || (c >= 0xd800 && c <= 0xdfff)) {
      out += c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** A number as Python reads it back bit for bit: ints stay ints, the rest is the shortest round-trip repr. */
export function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'float("nan")';
  if (n === Infinity) return 'float("inf")';
  if (n === -Infinity) return '-float("inf")';
  if (Object.is(n, -0)) return '-0.0';
  return String(n);
}

/** A Python tuple of ints: `(3,)`, `(2, 4)`, `()`. Anything but a whole number (a shape a reader got wrong) throws. */
export function pyTuple(xs: readonly number[]): string {
  const bad = xs.find((x) => typeof x !== 'number' || !Number.isSafeInteger(x));
  if (bad !== undefined) throw new GraftError('corrupt', '', `a shape or axis list holds ${pyStr(String(bad)).slice(0, 60)}, not a whole number; the script cannot be written`);
  return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`;
}

/** Any JSON-like value as a Python literal (undefined inside objects is left out, as JSON does). */
export function pyLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'string') return pyStr(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(', ')}]`;
  if (typeof value === 'object') {
    const items = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${items.map(([k, v]) => `${pyStr(k)}: ${pyLiteral(v)}`).join(', ')}}`;
  }
  return 'None';
}
