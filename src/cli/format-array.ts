/** Prints values the way numpy does for a quick look: nested brackets, `...` past `edge` items when large. */
export function formatArray(values: ArrayLike<number | string>, shape: readonly number[], dtype: string): string {
  const total = shape.reduce((a, b) => a * b, 1);
  const summarise = total > 1000;
  const edge = 3;
  const fmt = (v: number | string): string => {
    if (typeof v === 'string') return JSON.stringify(v);
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (Number.isInteger(v) && !dtype.startsWith('float') && !dtype.startsWith('bfloat')) return String(v);
    return Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-4) ? v.toExponential(4) : Number(v.toPrecision(6)).toString();
  };
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const render = (dim: number, offset: number, indent: string): string => {
    if (dim === shape.length) return fmt(values[offset] ?? NaN);
    const n = shape[dim] ?? 0;
    const stride = strides[dim] ?? 1;
    const idx = summarise && n > 2 * edge ? [...range(0, edge), -1, ...range(n - edge, n)] : range(0, n);
    const parts = idx.map((i) => (i < 0 ? '...' : render(dim + 1, offset + i * stride, indent + ' ')));
    const last = dim === shape.length - 1;
    const sep = last ? ', ' : ',\n' + '\n'.repeat(shape.length - dim - 2) + indent + ' ';
    return '[' + parts.join(sep) + ']';
  };
  return `array(${render(0, 0, '      ')}, dtype=${dtype}, shape=(${shape.join(', ')}${shape.length === 1 ? ',' : ''}))`;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);
}
