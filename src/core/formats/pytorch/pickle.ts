/**
 * A pickle interpreter that executes nothing: it knows the opcodes of protocols 0–5 (CPython
 * `Lib/pickletools.py` documents each) and hands every import, call, instantiation and persistent id to the
 * caller's hooks, which decide what they become. It never resolves a name to code. Runs in one pass over the
 * bytes: a pickle has no loops, so time and memory grow with its length.
 */
import { decodeLong, py2String, rawUnicode, Reader, unquote, utf8 } from './pickle-reader';
import { dict, isKind, list, setItem, tuple, typeName, type PyGlobal, type PyValue } from './values';

export interface PickleHooks {
  /** BINPERSID / PERSID. */
  persistentLoad(pid: PyValue): PyValue;
  /** REDUCE, INST, OBJ: `callable(*args)`. */
  call(callable: PyValue, args: PyValue[]): PyValue;
  /** NEWOBJ, NEWOBJ_EX: `cls.__new__(cls, *args)`. */
  instantiate(cls: PyValue, args: PyValue[]): PyValue;
  /** BUILD: `obj.__setstate__(state)`; returns what replaces `obj` on the stack (usually `obj`). */
  build(obj: PyValue, state: PyValue): PyValue;
}

export interface Unpickled {
  value: PyValue;
  /** Offset just past the STOP opcode. */
  end: number;
}

/** Python 2 names, as `pickle` maps them when loading (Lib/_compat_pickle.py, the entries checkpoints use). */
const MODULE_RENAMES: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

function globalOf(module: string, name: string): PyGlobal {
  return { kind: 'global', module: MODULE_RENAMES[module] ?? module, name };
}

/**
 * Runs the pickle starting at `start` of `bytes` up to its STOP opcode. `what` names it in errors
 * (`archive/data.pkl`). Any malformed input is a GraftError naming `file`; nothing else is thrown.
 */
export function unpickle(bytes: Uint8Array, file: string, what: string, hooks: PickleHooks, start = 0): Unpickled {
  const r: Reader = new Reader(bytes, file, what, start);
  let stack: Slot[] = [];
  const metastack: Slot[][] = [];
  const memo = new Map<number, PyValue>();

  // Reads `stack` when called: an argument that pops a MARK (TUPLE, LIST) has replaced it by then.
  const push = (v: PyValue) => void stack.push(v);
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined) r.fail(`the pickle pops from an empty stack at offset ${r.pos - 1}`);
    if (v === MARK) r.fail(`the pickle uses a MARK as a value at offset ${r.pos - 1}`);
    return v;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) r.fail(`the pickle needs a value on the stack at offset ${r.pos - 1}`);
    return v;
  };
  const popMark = (): PyValue[] => {
    const items = stack;
    const outer = metastack.pop();
    if (!outer) r.fail(`the pickle closes a MARK it never opened at offset ${r.pos - 1}`);
    stack = outer;
    if (items.includes(MARK)) r.fail('the pickle nests a MARK inside another');
    return items as PyValue[];
  };
  const get = (i: number): PyValue => {
    if (!memo.has(i)) r.fail(`the pickle reads memo entry ${i}, which it never stored`);
    return memo.get(i)!;
  };
  const put = (i: number) => memo.set(i, top());
  const append = (target: PyValue, items: PyValue[]) => {
    if (isKind(target, 'list')) target.items.push(...items);
    else if (isKind(target, 'object')) target.items.push(...items);
    else if (isKind(target, 'set')) target.items.push(...items);
    else r.fail(`the pickle appends to a ${typeName(target)}, which is not a list`);
  };
  const setItems = (target: PyValue, items: PyValue[]) => {
    if (items.length % 2) r.fail('the pickle sets a dict item without a value');
    for (let i = 0; i < items.length; i += 2) {
      if (isKind(target, 'dict')) setItem(target, items[i]!, items[i + 1]!);
      else if (isKind(target, 'object')) target.items.push(tuple([items[i]!, items[i + 1]!]));
      else r.fail(`the pickle sets an item on a ${typeName(target)}, which is not a dict`);
    }
  };
  const asArgs = (v: PyValue, op: string): PyValue[] => {
    if (!isKind(v, 'tuple')) r.fail(`${op} takes a tuple of arguments, found ${typeName(v)}`);
    return [...v.items];
  };

  for (;;) {
    const at = r.pos;
    const op = r.u8();
    switch (op) {
      case 0x80: // PROTO
        if (r.u8() > 5) r.fail('pickle protocol is newer than 5, the highest Python writes', 'unsupported');
        break;
      case 0x95: // FRAME: a length hint only
        r.take(8);
        break;
      case 0x2e: // STOP
        return { value: pop(), end: r.pos };
      case 0x28: // MARK
        metastack.push(stack);
        stack = [];
        break;
      case 0x30: // POP
        if (stack.length === 0) r.fail(`the pickle pops from an empty stack at offset ${at}`);
        stack.pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        push(top());
        break;
      case 0x4e: // NONE
        push(null);
        break;
      case 0x88: // NEWTRUE
        push(true);
        break;
      case 0x89: // NEWFALSE
        push(false);
        break;
      case 0x4a: // BININT
        push(BigInt(r.view(4).getInt32(0, true)));
        break;
      case 0x4b: // BININT1
        push(BigInt(r.u8()));
        break;
      case 0x4d: // BININT2
        push(BigInt(r.view(2).getUint16(0, true)));
        break;
      case 0x8a: // LONG1
        push(decodeLong(r.take(r.u8())));
        break;
      case 0x8b: // LONG4
        push(decodeLong(r.take(r.length(r.view(4).getInt32(0, true)))));
        break;
      case 0x49: {
        // INT: decimal text; I01 / I00 are True / False
        const t = r.line().trim();
        if (t === '01') push(true);
        else if (t === '00') push(false);
        else if (/^[-+]?\d+$/.test(t)) push(BigInt(t));
        else r.fail(`INT opcode holds ${JSON.stringify(t.slice(0, 20))}`);
        break;
      }
      case 0x4c: {
        // LONG: decimal text with an optional L
        const t = r.line().trim().replace(/L$/, '');
        if (!/^[-+]?\d+$/.test(t)) r.fail(`LONG opcode holds ${JSON.stringify(t.slice(0, 20))}`);
        push(BigInt(t));
        break;
      }
      case 0x47: // BINFLOAT: big-endian
        push(r.view(8).getFloat64(0, false));
        break;
      case 0x46: {
        // FLOAT: repr text
        const t = r.line().trim();
        const v = /^(nan|inf|-inf)$/i.test(t) ? Number(t.replace(/inf/i, 'Infinity').replace(/nan/i, 'NaN')) : Number(t);
        if (Number.isNaN(v) && !/nan/i.test(t)) r.fail(`FLOAT opcode holds ${JSON.stringify(t.slice(0, 20))}`);
        push(v);
        break;
      }
      case 0x58: // BINUNICODE
        push(utf8(r.take(r.length(r.view(4).getUint32(0, true)))));
        break;
      case 0x8c: // SHORT_BINUNICODE
        push(utf8(r.take(r.u8())));
        break;
      case 0x8d: // BINUNICODE8
        push(utf8(r.take(r.length(r.view(8).getBigUint64(0, true)))));
        break;
      case 0x56: // UNICODE
        push(rawUnicode(r.line()));
        break;
      case 0x53: // STRING
        push(py2String(unquote(r.line(), r)));
        break;
      case 0x54: // BINSTRING
        push(py2String(r.take(r.length(r.view(4).getInt32(0, true)))));
        break;
      case 0x55: // SHORT_BINSTRING
        push(py2String(r.take(r.u8())));
        break;
      case 0x42: // BINBYTES
        push(r.take(r.length(r.view(4).getUint32(0, true))).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        push(r.take(r.u8()).slice());
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        push(r.take(r.length(r.view(8).getBigUint64(0, true))).slice());
        break;
      case 0x97: // NEXT_BUFFER
        r.fail('the pickle asks for an out-of-band buffer (protocol 5), which a checkpoint file cannot carry', 'unsupported');
        break;
      case 0x98: // READONLY_BUFFER
        break;
      case 0x29: // EMPTY_TUPLE
        push(tuple([]));
        break;
      case 0x85: // TUPLE1
        push(tuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        push(tuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        push(tuple([pop(), b, c]));
        break;
      }
      case 0x74: // TUPLE
        push(tuple(popMark()));
        break;
      case 0x5d: // EMPTY_LIST
        push(list());
        break;
      case 0x6c: // LIST
        push(list(popMark()));
        break;
      case 0x7d: // EMPTY_DICT
        push(dict());
        break;
      case 0x64: {
        // DICT
        const d = dict();
        setItems(d, popMark());
        push(d);
        break;
      }
      case 0x8f: // EMPTY_SET
        push({ kind: 'set', items: [] });
        break;
      case 0x91: // FROZENSET
        push({ kind: 'set', items: popMark() });
        break;
      case 0x61: {
        // APPEND
        const v = pop();
        append(top(), [v]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x68: // BINGET
        push(get(r.u8()));
        break;
      case 0x6a: // LONG_BINGET
        push(get(r.view(4).getUint32(0, true)));
        break;
      case 0x67: {
        // GET
        const t = r.line().trim();
        if (!/^\d+$/.test(t)) r.fail(`GET opcode holds ${JSON.stringify(t.slice(0, 20))}`);
        push(get(Number(t)));
        break;
      }
      case 0x71: // BINPUT
        put(r.u8());
        break;
      case 0x72: // LONG_BINPUT
        put(r.view(4).getUint32(0, true));
        break;
      case 0x70: {
        // PUT
        const t = r.line().trim();
        if (!/^\d+$/.test(t)) r.fail(`PUT opcode holds ${JSON.stringify(t.slice(0, 20))}`);
        put(Number(t));
        break;
      }
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x63: {
        // GLOBAL: module\nname\n
        const module = r.line();
        push(globalOf(module, r.line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') r.fail('STACK_GLOBAL takes two strings');
        push(globalOf(module, name));
        break;
      }
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: // EXT4
        r.fail('the pickle refers to a copyreg extension code, which names a global only the writing process knew', 'unsupported');
        break;
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        push(hooks.call(callable, asArgs(args, 'REDUCE')));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        push(hooks.instantiate(cls, asArgs(args, 'NEWOBJ')));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX: keyword arguments are kept as a trailing dict argument
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        const all = asArgs(args, 'NEWOBJ_EX');
        if (isKind(kwargs, 'dict') && kwargs.entries.size > 0) all.push(kwargs);
        push(hooks.instantiate(cls, all));
        break;
      }
      case 0x69: {
        // INST: module\nname\n, arguments since the MARK; calls the class
        const module = r.line();
        const cls = globalOf(module, r.line());
        push(hooks.call(cls, popMark()));
        break;
      }
      case 0x6f: {
        // OBJ: class and arguments since the MARK; calls the class
        const items = popMark();
        if (items.length === 0) r.fail('OBJ opcode without a class');
        push(hooks.call(items[0]!, items.slice(1)));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const obj = pop();
        push(hooks.build(obj, state));
        break;
      }
      case 0x51: // BINPERSID
        push(hooks.persistentLoad(pop()));
        break;
      case 0x50: // PERSID
        push(hooks.persistentLoad(r.line()));
        break;
      default:
        r.fail(`unknown pickle opcode 0x${op.toString(16).padStart(2, '0')} at offset ${at} — the file is damaged or not a pickle`);
    }
  }
}
