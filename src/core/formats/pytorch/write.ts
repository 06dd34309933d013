/**
 * Writes a PyTorch state dict as `torch.save(state_dict, path)` does (zip layout, torch 2): `<archive>/data.pkl`, a
 * protocol 2 pickle of an OrderedDict name → `_rebuild_tensor_v2(('storage', torch.<T>Storage, key, 'cpu', numel),
 * 0, size, stride, False, OrderedDict())` (`_rebuild_tensor_v3` over an UntypedStorage for the dtypes without a
 * storage class: uint16/32/64, float8), the records torch writes, then one `<archive>/data/<key>` per tensor as it
 * arrives. Only globals `torch.load(weights_only=True)` allows appear. Every name, dtype and shape is known up front,
 * so the pickle is written first and tensors stream in any order, none held.
 */
import { GraftError } from '../../errors';
import type { CheckpointWriter, OutputFolder, OutputTensor } from '../../io/output';
import { ELEMENT_SIZE, cOrderStrides, elementCount, type DType } from '../../model/dtypes';
import { GRAFT_TO_TORCH, LEGACY_STORAGE_CLASS } from './dtypes';
import { ZipStream } from '../../io/zip-writer';

export interface TensorSpec {
  name: string;
  dtype: DType;
  shape: number[];
}

const utf8 = new TextEncoder();

/** Opcodes of a protocol 2 pickle, emitted into one growing byte list. */
class Emitter {
  private parts: number[] = [];
  private chunks: Uint8Array[] = [];
  private memo = new Map<string, number>();

  op(...codes: number[]): this {
    this.parts.push(...codes);
    if (this.parts.length > 1 << 16) this.flush();
    return this;
  }

  private flush(): void {
    this.chunks.push(Uint8Array.from(this.parts));
    this.parts = [];
  }

  int(n: number): this {
    if (n < 256) return this.op(0x4b, n); // BININT1
    if (n < 65536) return this.op(0x4d, n & 0xff, n >> 8); // BININT2
    if (n < 2 ** 31) return this.op(0x4a, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff); // BININT
    // LONG1: little-endian two's complement, a zero byte on top keeps it positive
    const bytes: number[] = [];
    for (let v = BigInt(n); v > 0n; v >>= 8n) bytes.push(Number(v & 0xffn));
    if (bytes[bytes.length - 1]! & 0x80) bytes.push(0);
    return this.op(0x8a, bytes.length, ...bytes);
  }

  str(s: string): this {
    const b = utf8.encode(s);
    this.op(0x58, b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff, (b.length >>> 24) & 0xff); // BINUNICODE
    for (let i = 0; i < b.length; i += 8192) this.op(...b.subarray(i, i + 8192));
    return this;
  }

  /** A GLOBAL or a string, memoised after its first use (BINPUT / LONG_BINGET). */
  cached(key: string, emit: () => void): this {
    const at = this.memo.get(key);
    if (at !== undefined) return at < 256 ? this.op(0x68, at) : this.op(0x6a, at & 0xff, (at >> 8) & 0xff, (at >> 16) & 0xff, at >>> 24);
    emit();
    const i = this.memo.size;
    this.memo.set(key, i);
    return i < 256 ? this.op(0x71, i) : this.op(0x72, i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff, i >>> 24);
  }

  global(module: string, name: string): this {
    return this.cached(`g${module}.${name}`, () => this.op(0x63, ...utf8.encode(`${module}\n${name}\n`)));
  }

  ints(xs: readonly number[]): this {
    if (xs.length === 0) return this.op(0x29); // EMPTY_TUPLE
    if (xs.length <= 3) {
      xs.forEach((x) => this.int(x));
      return this.op(0x84 + xs.length); // TUPLE1..3
    }
    this.op(0x28);
    xs.forEach((x) => this.int(x));
    return this.op(0x74);
  }

  bytes(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) out.set(c, at), (at += c.length);
    return out;
  }
}


/** The data.pkl of a state dict whose i-th tensor lives in storage record `data/<i>`. */
export function stateDictPickle(specs: readonly TensorSpec[]): Uint8Array {
  const p = new Emitter();
  p.op(0x80, 2).global('collections', 'OrderedDict').op(0x29, 0x52); // OrderedDict()
  for (let start = 0; start < specs.length; start += 1000) {
    p.op(0x28); // MARK
    for (const [j, t] of specs.slice(start, start + 1000).entries()) {
      const key = start + j;
      const legacy = LEGACY_STORAGE_CLASS[t.dtype];
      const numel = elementCount(t.shape);
      p.str(t.name);
      p.global('torch._utils', legacy ? '_rebuild_tensor_v2' : '_rebuild_tensor_v3').op(0x28);
      p.op(0x28).cached('sstorage', () => p.str('storage'));
      if (legacy) p.global('torch', legacy);
      else p.global('torch.storage', 'UntypedStorage');
      p.str(String(key)).cached('scpu', () => p.str('cpu')).int(legacy ? numel : numel * ELEMENT_SIZE[t.dtype]).op(0x74, 0x51); // TUPLE, BINPERSID
      p.int(0).ints(t.shape).ints(cOrderStrides(t.shape)).op(0x89); // offset, size, stride, requires_grad=False
      p.global('collections', 'OrderedDict').op(0x29, 0x52); // backward_hooks
      if (!legacy) p.global('torch', GRAFT_TO_TORCH[t.dtype]!);
      p.op(0x74, 0x52); // TUPLE, REDUCE
    }
    p.op(0x75); // SETITEMS
  }
  return p.op(0x2e).bytes();
}

function archiveName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.(pt|pth|bin)$/i, '');
  const clean = base.replace(/[^A-Za-z0-9_.-]/g, '_');
  return clean.length > 0 ? clean : 'archive';
}

export interface PytorchWriter extends CheckpointWriter {
  readonly order: readonly string[];
  readonly storedKeys: ReadonlyMap<string, string>;
}

/** A streaming writer for exactly `specs`, written to `path` in `out`. */
export async function createPytorchWriter(out: OutputFolder, path: string, specs: readonly TensorSpec[]): Promise<PytorchWriter> {
  const keys = new Map<string, number>();
  for (const [i, s] of specs.entries()) {
    if (!GRAFT_TO_TORCH[s.dtype]) throw new GraftError('unsupported', path, `tensor ${s.name} has dtype ${s.dtype}, which a PyTorch state dict cannot hold`);
    if (keys.has(s.name)) throw new GraftError('corrupt', path, `tensor ${s.name} is listed twice`);
    keys.set(s.name, i);
  }
  const archive = archiveName(path);
  const sink = await out.create(path);
  // As torch.save writes it: each storage at a multiple of 64 bytes (`.storage_alignment`), no timestamps.
  const zip = new ZipStream((chunk) => sink.write(chunk), { alignment: 64, date: null });
  const text = (s: string) => utf8.encode(s);
  await zip.add(`${archive}/data.pkl`, stateDictPickle(specs));
  await zip.add(`${archive}/.format_version`, text('1'));
  await zip.add(`${archive}/.storage_alignment`, text('64'));
  await zip.add(`${archive}/byteorder`, text('little'));
  const done = new Set<number>();
  const storedKeys = new Map<string, string>();
  return {
    order: specs.map((s) => s.name),
    storedKeys,
    async add(t: OutputTensor) {
      const i = keys.get(t.name);
      if (i === undefined) throw new GraftError('not-found', path, `tensor ${t.name} is not a variable of the new model`);
      if (done.has(i)) throw new GraftError('corrupt', path, `tensor ${t.name} is added twice`);
      const s = specs[i]!;
      const length = elementCount(s.shape) * ELEMENT_SIZE[s.dtype];
      if (t.dtype !== s.dtype || t.shape.join(',') !== s.shape.join(',') || t.bytes.byteLength !== length) {
        throw new GraftError('corrupt', path, `tensor ${t.name} was declared ${s.dtype} [${s.shape.join(', ')}] (${length} bytes) but is ${t.dtype} [${t.shape.join(', ')}] with ${t.bytes.byteLength} bytes`);
      }
      done.add(i);
      await zip.add(`${archive}/data/${i}`, t.bytes);
      storedKeys.set(t.name, t.name);
    },
    async finish() {
      if (done.size !== specs.length) {
        const missing = specs.filter((_, i) => !done.has(i)).map((s) => s.name);
        throw new GraftError('corrupt', path, `${missing.length} tensor(s) were never added, e.g. ${missing.slice(0, 3).join(', ')}`);
      }
      await zip.add(`${archive}/version`, text('3\n'));
      await zip.finish();
      await sink.close();
    },
  };
}
