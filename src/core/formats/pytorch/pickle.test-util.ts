/** Tests only: pickles and torch zip files written opcode by opcode, for inputs torch itself would not write. */
import { zip } from '../../io/zip.test-util';

type Part = number | number[] | Uint8Array;

export function bytes(...parts: Part[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else out.push(...p);
  }
  return new Uint8Array(out);
}

const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const text = (s: string) => [...new TextEncoder().encode(s)];

export const P = {
  proto: (n = 2) => [0x80, n],
  stop: [0x2e],
  mark: [0x28],
  tuple: [0x74],
  tuple1: [0x85],
  tuple2: [0x86],
  emptyTuple: [0x29],
  emptyDict: [0x7d],
  emptyList: [0x5d],
  append: [0x61],
  setitem: [0x73],
  setitems: [0x75],
  reduce: [0x52],
  newobj: [0x81],
  build: [0x62],
  binpersid: [0x51],
  none: [0x4e],
  newfalse: [0x89],
  int: (n: number) => [0x4a, ...le32(n)],
  str: (s: string) => [0x58, ...le32(new TextEncoder().encode(s).length), ...text(s)],
  global: (module: string, name: string) => [0x63, ...text(`${module}\n${name}\n`)],
  stackGlobal: (module: string, name: string) => [0x8c, module.length, ...text(module), 0x8c, name.length, ...text(name), 0x93],
  inst: (module: string, name: string) => [0x69, ...text(`${module}\n${name}\n`)],
  put: (i: number) => [0x71, i],
  get: (i: number) => [0x68, i],
};

/** `_rebuild_tensor_v2(('storage', torch.<type>, key, 'cpu', numel), offset, size, stride, False, OrderedDict())`. */
export function tensorOps(type: string, key: string, numel: number, offset: number, size: number[], stride: number[]): number[] {
  const ints = (xs: number[]) => [...P.mark, ...xs.flatMap(P.int), ...P.tuple];
  return [
    ...P.global('torch._utils', '_rebuild_tensor_v2'),
    ...P.mark,
    ...P.mark, ...P.str('storage'), ...P.global('torch', type), ...P.str(key), ...P.str('cpu'), ...P.int(numel), ...P.tuple,
    ...P.binpersid,
    ...P.int(offset), ...ints(size), ...ints(stride), ...P.newfalse,
    ...P.global('collections', 'OrderedDict'), ...P.emptyTuple, ...P.reduce,
    ...P.tuple,
    ...P.reduce,
  ];
}

/** A state dict pickle `{name: tensor}` from (name, tensor ops) pairs. */
export function stateDictPickle(entries: [string, number[]][]): Uint8Array {
  return bytes(...P.proto(), ...P.emptyDict, ...P.mark, ...entries.flatMap(([k, t]) => [...P.str(k), ...t]), ...P.setitems, ...P.stop);
}

/** A torch zip: `<archive>/data.pkl`, `<archive>/data/<key>` and the records torch writes. */
export function torchZip(pkl: Uint8Array, storages: Record<string, Uint8Array>, opts: { archive?: string; byteorder?: string } = {}): Uint8Array {
  const a = opts.archive ?? 'archive';
  const members: [string, Uint8Array][] = [[`${a}/data.pkl`, pkl], [`${a}/byteorder`, new TextEncoder().encode(opts.byteorder ?? 'little')]];
  for (const [k, v] of Object.entries(storages)) members.push([`${a}/data/${k}`, v]);
  members.push([`${a}/version`, new TextEncoder().encode('3\n')]);
  return zip(members, false);
}

export const f32 = (xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);
