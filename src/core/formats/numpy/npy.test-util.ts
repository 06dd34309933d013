/** Tests only: .npy v1/v2/v3 files by hand, laid out as numpy/lib/format.py writes them. */
export function npy(descr: string, shape: number[], data: Uint8Array, opts: { fortran?: boolean; version?: 1 | 2 | 3 } = {}): Uint8Array {
  const version = opts.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  dict = dict + ' '.repeat(total - pre - dict.length - 1) + '\n';
  const head = new TextEncoder().encode(dict);
  const out = new Uint8Array(pre + head.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, head.length, true);
  else dv.setUint32(8, head.length, true);
  out.set(head, pre);
  out.set(data, pre + head.length);
  return out;
}

/** float32 values as big-endian bytes (numpy '>f4'). */
export function f32be(xs: readonly number[]): Uint8Array {
  const out = new Uint8Array(xs.length * 4);
  xs.forEach((x, i) => new DataView(out.buffer).setFloat32(i * 4, x, false));
  return out;
}
