/**
 * What the names in a torch pickle become. A state dict needs a few globals: `collections.OrderedDict`,
 * `torch._utils._rebuild_tensor_v2` and its kin, the storage classes and dtypes. Those become data (a dict, a
 * tensor description, a dtype). Any other class is instantiated as an inert stand-in (`PyObject`: its name, its
 * arguments, its state) so training checkpoints with an `argparse.Namespace` or a whole pickled model still list.
 * Any other *call* — what a `__reduce__` that runs `os.system` compiles to — is refused with its name: Python would
 * run it on load, and no checkpoint needs it. Nothing is ever resolved to code.
 */
import { GraftError } from '../../errors';
import { STORAGE_TYPES, TORCH_DTYPES } from './dtypes';
import type { PickleHooks } from './pickle';
import { dict, isKind, setItem, tuple, typeName, type PyObject, type PyValue, type TorchStorage, type TorchTensor } from './values';
import { own } from '../../io/untrusted';

export interface TorchLoad {
  file: string;
  /** `archive/data.pkl`, or `the pickle` of a legacy file. */
  what: string;
  /** Storages by key: one object per key, so tensors sharing a storage share it (tied weights). */
  storages: Map<string, TorchStorage>;
  /** Class names of the stand-ins made (`__main__.Net`), for the listing's notes. */
  standIns: Set<string>;
}

/** Calls that only make plain data; anything else called is refused. */
const DATA_CALLS = new Set([
  'argparse.Namespace', 'pathlib.Path', 'pathlib.PosixPath', 'pathlib.WindowsPath', 'pathlib.PurePosixPath', 'pathlib.PureWindowsPath',
  'datetime.datetime', 'datetime.date', 'datetime.time', 'datetime.timedelta', 'datetime.timezone', 'decimal.Decimal', 'fractions.Fraction',
  'uuid.UUID', 'builtins.complex', 'builtins.slice', 'builtins.range', 'builtins.object', 'torch.device', 'torch.serialization._get_layout',
  'numpy.dtype', 'numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct', 'numpy.core.multiarray.scalar', 'numpy._core.multiarray.scalar',
  'torch._utils._rebuild_qtensor', 'torch._utils._rebuild_sparse_tensor', 'torch._utils._rebuild_sparse_csr_tensor', 'torch._utils._rebuild_nested_tensor',
  'torch._utils._rebuild_device_tensor_from_numpy', 'torch._utils._rebuild_meta_tensor_no_storage', 'torch._utils._rebuild_wrapper_subclass',
  'torch._utils._rebuild_xla_tensor', 'torch._utils._rebuild_mtia_tensor', 'torch._utils._rebuild_device_tensor_from_cpu_tensor',
]);

/** Modules whose classes are not data: instantiating one is as suspect as calling it. */
const CODE_MODULES = /^(os|posix|nt|subprocess|sys|shutil|socket|importlib|runpy|pickle|_pickle|marshal|code|codeop|ctypes|pty|webbrowser|types|functools|operator|builtins|io|_io|tempfile|multiprocessing|threading|asyncio|pdb|bdb|timeit|cProfile|profile|trace|inspect|platform|signal|urllib|http|ftplib|smtplib|telnetlib)(\.|$)/;

/** Builtins that are containers: instantiating them gives an empty one. */
const BUILTIN_TYPES = new Set(['builtins.object', 'builtins.dict', 'builtins.list', 'builtins.set', 'builtins.frozenset', 'builtins.tuple']);

function fullName(v: PyValue): string {
  return isKind(v, 'global') ? `${v.module}.${v.name}` : typeName(v);
}

function refuse(load: TorchLoad, what: string, global: string): never {
  // The pickle names os.system by the module that defines it: posix on Linux and macOS, nt on Windows.
  const name = /^(posix|nt)\./.test(global) ? `${global} (os${global.slice(global.indexOf('.'))})` : global;
  throw new GraftError(
    'unsupported',
    load.file,
    `${load.what} ${what} ${name} — loading this pickle in Python would run that code. Graft never runs code from a pickle and reads only tensors and plain data, so it refuses this file; if you trust it, load it in Python and save model.state_dict() again`,
  );
}

function bad(load: TorchLoad, sentence: string): never {
  throw new GraftError('corrupt', load.file, `${load.what}: ${sentence}`);
}

function int(load: TorchLoad, v: PyValue, what: string): number {
  if (typeof v !== 'bigint' || v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) bad(load, `${what} must be a non-negative integer, found ${typeName(v)} ${String(v)}`);
  return Number(v);
}

function ints(load: TorchLoad, v: PyValue, what: string): number[] {
  if (!isKind(v, 'tuple') && !isKind(v, 'list')) bad(load, `${what} must be a tuple of integers, found ${typeName(v)}`);
  return v.items.map((x) => int(load, x, what));
}

function standIn(load: TorchLoad, cls: string, args: readonly PyValue[]): PyObject {
  if (!cls.startsWith('torch._utils.')) load.standIns.add(cls);
  return { kind: 'object', cls, args, items: [] };
}

/** A persistent id `('storage', storage_type, key, location, numel[, view_metadata])`. */
function storage(load: TorchLoad, pid: PyValue): TorchStorage {
  if (!isKind(pid, 'tuple') || pid.items.length < 5 || (pid.items[0] !== 'storage' && !(pid.items[0] instanceof Uint8Array))) {
    bad(load, `a persistent id must be ('storage', type, key, location, size), found ${typeName(pid)}`);
  }
  const [, type, keyValue, , numelValue, view] = pid.items;
  const key = typeof keyValue === 'string' ? keyValue : typeof keyValue === 'bigint' ? String(keyValue) : bad(load, `storage key must be a string, found ${typeName(keyValue!)}`);
  if (!isKind(type!, 'global')) bad(load, `storage type must be a class, found ${typeName(type!)}`);
  const typeName_ = `${type.module}.${type.name}`;
  const spec = /^torch(\.cuda|\.storage)?$/.test(type.module) ? own(STORAGE_TYPES, type.name) : undefined;
  if (!spec) bad(load, `storage ${key} has type ${typeName_}, which is not a torch storage class`);
  const numel = int(load, numelValue!, `storage ${key}'s size`);
  let root: TorchStorage = load.storages.get(key) ?? { kind: 'storage', key, type: typeName_, dtype: spec.dtype, elementSize: spec.size, numel, offset: 0, rootKey: key };
  if (root.numel !== numel || root.type !== typeName_) bad(load, `storage ${key} is described twice, as ${root.type} of ${root.numel} and as ${typeName_} of ${numel}`);
  load.storages.set(key, root);
  if (view === undefined || view === null) return root;
  // Legacy storage views: (view_key, offset, size) inside the root storage.
  if (!isKind(view, 'tuple') || view.items.length !== 3) bad(load, `storage ${key} has view metadata ${typeName(view)}, not (key, offset, size)`);
  const viewKey = typeof view.items[0] === 'string' ? view.items[0] : String(view.items[0]);
  const offset = int(load, view.items[1]!, 'a storage view offset');
  const size = int(load, view.items[2]!, 'a storage view size');
  if (offset + size > numel) bad(load, `storage view ${viewKey} (${size} elements at ${offset}) runs past its storage of ${numel}`);
  root = { ...root, key: viewKey, numel: size, offset, rootKey: key };
  return load.storages.get(`view:${viewKey}`) ?? (load.storages.set(`view:${viewKey}`, root), root);
}

function tensor(load: TorchLoad, args: PyValue[], dtypeArg?: PyValue): TorchTensor {
  const [s, offset, size, stride] = args;
  if (!isKind(s!, 'storage')) bad(load, `a tensor is rebuilt from ${typeName(s ?? null)}, not a storage`);
  const shape = ints(load, size!, 'a tensor size');
  const strides = ints(load, stride!, 'a tensor stride');
  if (shape.length !== strides.length) bad(load, `a tensor has size (${shape.join(', ')}) but stride (${strides.join(', ')})`);
  let type = { dtype: s.dtype, name: s.type.replace(/^.*\./, '').replace(/Storage$/, '').toLowerCase() };
  if (dtypeArg !== undefined) {
    if (!isKind(dtypeArg, 'global') || dtypeArg.module !== 'torch' || !own(TORCH_DTYPES, dtypeArg.name)) bad(load, `a tensor's dtype is ${fullName(dtypeArg)}, not a torch dtype`);
    type = own(TORCH_DTYPES, dtypeArg.name)!;
  } else {
    const spec = own(STORAGE_TYPES, s.type.replace(/^.*\./, ''));
    if (spec) type = spec;
  }
  return { kind: 'tensor', storage: s, offset: int(load, offset!, 'a tensor offset'), shape, stride: strides, dtype: type.dtype, torchDtype: type.name, parameter: false };
}

/** `name(*args)` for a global that makes data; `name` is the one it was called by, where several share a handler. */
type DataCall = (load: TorchLoad, args: PyValue[], name: string) => PyValue;

function dictCall(_load: TorchLoad, args: PyValue[], name: string): PyValue {
  const d = dict(name !== 'builtins.dict');
  const pairs = args[0];
  if (name !== 'collections.defaultdict' && pairs && (isKind(pairs, 'list') || isKind(pairs, 'tuple'))) {
    for (const p of pairs.items) if (isKind(p, 'tuple') && p.items.length === 2) setItem(d, p.items[0]!, p.items[1]!);
  } else if (name !== 'collections.defaultdict' && pairs && isKind(pairs, 'dict')) {
    for (const [k, v] of pairs.entries.values()) setItem(d, k, v);
  }
  return d;
}

function sequenceCall(_load: TorchLoad, args: PyValue[], name: string): PyValue {
  const from = args[0];
  const items = from && (isKind(from, 'list') || isKind(from, 'tuple') || isKind(from, 'set')) ? [...from.items] : [];
  return name === 'builtins.list' ? { kind: 'list', items } : name === 'builtins.tuple' ? tuple(items) : { kind: 'set', items };
}

function bytesCall(_load: TorchLoad, args: PyValue[]): PyValue {
  const [text, encoding] = args;
  if (text instanceof Uint8Array) return text;
  if (typeof text !== 'string') return new Uint8Array(0);
  // Python 3 pickles bytes at protocol 2 as _codecs.encode(text, 'latin1').
  if (encoding === 'latin1' || encoding === 'latin-1') return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
  return new TextEncoder().encode(text);
}

/** TorchScript's pickler wraps typed lists and tagged values: the value is the first argument. */
const firstArgument: DataCall = (_load, args) => args[0] ?? null;

const parameterCall: DataCall = (_load, args) => {
  const data = args[0] ?? null;
  return isKind(data, 'tensor') ? { ...data, parameter: true } : data;
};

/** (func, new_type, args, state): a tensor subclass; the data is func(*args). */
const fromTypeCall: DataCall = (load, args) => {
  const [func, , inner] = args;
  if (!isKind(inner ?? null, 'tuple')) bad(load, '_rebuild_from_type_v2 takes a tuple of arguments');
  return call(load, func ?? null, [...(inner as { items: PyValue[] }).items]);
};

const DATA_MAKERS = new Map<string, DataCall>([
  ...['collections.OrderedDict', 'collections.Counter', 'collections.defaultdict', 'builtins.dict'].map((n) => [n, dictCall] as const),
  ...['builtins.list', 'builtins.tuple', 'builtins.set', 'builtins.frozenset'].map((n) => [n, sequenceCall] as const),
  ...['builtins.bytearray', 'builtins.bytes', '_codecs.encode'].map((n) => [n, bytesCall] as const),
  ...['build_intlist', 'build_doublelist', 'build_boollist', 'build_tensorlist', 'build_genericlist', 'restore_type_tag'].map((n) => [`torch.jit._pickle.${n}`, firstArgument] as const),
  ['torch.Size', (_load, args) => (isKind(args[0] ?? null, 'tuple') ? args[0]! : tuple([]))],
  ['copyreg._reconstructor', (load, args) => instantiate(load, args[0] ?? null, args.slice(2))],
  ['copyreg.__newobj__', (load, args) => instantiate(load, args[0] ?? null, args.slice(1))],
  ['torch._utils._rebuild_tensor', (load, args) => tensor(load, args)],
  ['torch._utils._rebuild_tensor_v2', (load, args) => tensor(load, args)],
  ['torch._utils._rebuild_tensor_v3', (load, args) => tensor(load, args, args[6] ?? null)],
  ['torch._utils._rebuild_parameter', parameterCall],
  ['torch._utils._rebuild_parameter_with_state', parameterCall],
  ['torch._tensor._rebuild_from_type_v2', fromTypeCall],
]);

function call(load: TorchLoad, callable: PyValue, args: PyValue[]): PyValue {
  const name = fullName(callable);
  if (!isKind(callable, 'global')) bad(load, `the pickle calls a ${name}, which is not a function`);
  const maker = DATA_MAKERS.get(name);
  if (maker) return maker(load, args, name);
  if (DATA_CALLS.has(name)) return standIn(load, name, args);
  refuse(load, 'calls', name);
}

function instantiate(load: TorchLoad, cls: PyValue, args: PyValue[]): PyValue {
  const name = fullName(cls);
  if (!isKind(cls, 'global')) bad(load, `the pickle instantiates a ${name}, which is not a class`);
  if (name === 'collections.OrderedDict' || name === 'collections.Counter' || name === 'collections.defaultdict') return dict(true);
  if (BUILTIN_TYPES.has(name)) return name === 'builtins.dict' ? dict() : name === 'builtins.list' ? { kind: 'list', items: [] } : name === 'builtins.object' ? standIn(load, name, []) : { kind: 'set', items: [] };
  if (CODE_MODULES.test(cls.module)) refuse(load, 'instantiates', name);
  if (name === 'torch.nn.parameter.Parameter' && isKind(args[0] ?? null, 'tensor')) return { ...(args[0] as TorchTensor), parameter: true };
  return standIn(load, name, args);
}

function build(obj: PyValue, state: PyValue): PyValue {
  if (isKind(obj, 'object')) obj.state = state;
  // OrderedDict's `_metadata`, a tensor's legacy `set_` state or a Parameter's attributes: nothing a listing needs.
  return obj;
}

export function torchHooks(load: TorchLoad): PickleHooks {
  return {
    persistentLoad: (pid) => storage(load, pid),
    call: (callable, args) => call(load, callable, args),
    instantiate: (cls, args) => instantiate(load, cls, args),
    build,
  };
}
