/** Number, size and shape formatting for people, shared by the page and the CLI. */

export function humanBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[u]}`;
}

/**
 * `n.toLocaleString('en-US')` (1234567 → "1,234,567") for integers, without ICU: Chromium's first call to it loads
 * ICU's number formatting, 30–80 ms of the page's first view on this machine.
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** 1234567 → "1.23 M"; small counts stay exact with thin grouping. */
export function humanCount(n: number): string {
  if (n < 10_000) return groupDigits(n);
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, unit] of units) {
    if (n >= size) {
      const v = n / size;
      return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${unit}`;
    }
  }
  return String(n);
}

export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : `[${shape.join(', ')}]`;
}

/** A value for a stats cell: 4 significant digits, exponent form for very large or small magnitudes. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '−Inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1e6 || a < 1e-3 ? v.toExponential(3) : Number(v.toPrecision(5)).toString();
  return s.replace('-', '−');
}

/** `bert/encoder/layer_0/attention` → `bert/enc…attention` at `max` characters: both ends of a long name stay readable. */
export function middleEllipsis(text: string, max: number): string {
  if (text.length <= max || max < 5) return text;
  const tail = Math.ceil((max - 1) / 2);
  const head = max - 1 - tail;
  return `${text.slice(0, head)}…${text.slice(text.length - tail)}`;
}
