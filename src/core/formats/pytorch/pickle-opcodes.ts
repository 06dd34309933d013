/**
 * What each pickle opcode of protocols 0–5 does to the interpreter's state (pickle-machine.ts), as a table indexed
 * by opcode byte. Names and encodings are those of CPython `Lib/pickletools.py`. STOP is the interpreter's own
 * (pickle.ts): it ends the run.
 */
import { globalOf, type PickleMachine } from './pickle-machine';
import { decodeLong, py2String, rawUnicode, unquote, utf8, type Reader } from './pickle-reader';
import { dict, isKind, list, tuple } from './values';

export type OpcodeHandler = (m: PickleMachine, r: Reader) => void;
type OpcodeGroup = Record<number, OpcodeHandler>;

export const STOP = 0x2e;

/** GET, PUT: a memo index as protocol 0 decimal text; `opcode` names it in the error. */
function memoIndexLine(r: Reader, opcode: string): number {
  const t = r.line().trim();
  if (!/^\d+$/.test(t)) r.fail(`${opcode} opcode holds ${JSON.stringify(t.slice(0, 20))}`);
  return Number(t);
}

/** INT: decimal text; I01 / I00 are True / False. */
function intLine(m: PickleMachine, r: Reader): void {
  const t = r.line().trim();
  if (t === '01') m.push(true);
  else if (t === '00') m.push(false);
  else if (/^[-+]?\d+$/.test(t)) m.push(BigInt(t));
  else r.fail(`INT opcode holds ${JSON.stringify(t.slice(0, 20))}`);
}

/** LONG: decimal text with an optional L. */
function longLine(m: PickleMachine, r: Reader): void {
  const t = r.line().trim().replace(/L$/, '');
  if (!/^[-+]?\d+$/.test(t)) r.fail(`LONG opcode holds ${JSON.stringify(t.slice(0, 20))}`);
  m.push(BigInt(t));
}

/** FLOAT: repr text. */
function floatLine(m: PickleMachine, r: Reader): void {
  const t = r.line().trim();
  const v = /^(nan|inf|-inf)$/i.test(t) ? Number(t.replace(/inf/i, 'Infinity').replace(/nan/i, 'NaN')) : Number(t);
  if (Number.isNaN(v) && !/nan/i.test(t)) r.fail(`FLOAT opcode holds ${JSON.stringify(t.slice(0, 20))}`);
  m.push(v);
}

const CONTROL: OpcodeGroup = {
  0x80: (_, r) => {
    // PROTO
    if (r.u8() > 5) r.fail('pickle protocol is newer than 5, the highest Python writes', 'unsupported');
  },
  0x95: (_, r) => void r.take(8), // FRAME: a length hint only
  0x28: (m) => m.mark(), // MARK
  0x30: (m) => m.discard(), // POP
  0x31: (m) => void m.popMark(), // POP_MARK
  0x32: (m) => m.push(m.top()), // DUP
  0x97: (_, r) => r.fail('the pickle asks for an out-of-band buffer (protocol 5), which a checkpoint file cannot carry', 'unsupported'), // NEXT_BUFFER
  0x98: () => {}, // READONLY_BUFFER
};

const NUMBERS: OpcodeGroup = {
  0x4e: (m) => m.push(null), // NONE
  0x88: (m) => m.push(true), // NEWTRUE
  0x89: (m) => m.push(false), // NEWFALSE
  0x4a: (m, r) => m.push(BigInt(r.view(4).getInt32(0, true))), // BININT
  0x4b: (m, r) => m.push(BigInt(r.u8())), // BININT1
  0x4d: (m, r) => m.push(BigInt(r.view(2).getUint16(0, true))), // BININT2
  0x8a: (m, r) => m.push(decodeLong(r.take(r.u8()))), // LONG1
  0x8b: (m, r) => m.push(decodeLong(r.take(r.length(r.view(4).getInt32(0, true))))), // LONG4
  0x49: intLine, // INT
  0x4c: longLine, // LONG
  0x47: (m, r) => m.push(r.view(8).getFloat64(0, false)), // BINFLOAT: big-endian
  0x46: floatLine, // FLOAT
};

const bytesOf = (m: PickleMachine, b: Uint8Array) => m.push(b.slice());

const TEXT_AND_BYTES: OpcodeGroup = {
  0x58: (m, r) => m.push(utf8(r.take(r.length(r.view(4).getUint32(0, true))))), // BINUNICODE
  0x8c: (m, r) => m.push(utf8(r.take(r.u8()))), // SHORT_BINUNICODE
  0x8d: (m, r) => m.push(utf8(r.take(r.length(r.view(8).getBigUint64(0, true))))), // BINUNICODE8
  0x56: (m, r) => m.push(rawUnicode(r.line())), // UNICODE
  0x53: (m, r) => m.push(py2String(unquote(r.line(), r))), // STRING
  0x54: (m, r) => m.push(py2String(r.take(r.length(r.view(4).getInt32(0, true))))), // BINSTRING
  0x55: (m, r) => m.push(py2String(r.take(r.u8()))), // SHORT_BINSTRING
  0x42: (m, r) => bytesOf(m, r.take(r.length(r.view(4).getUint32(0, true)))), // BINBYTES
  0x43: (m, r) => bytesOf(m, r.take(r.u8())), // SHORT_BINBYTES
  0x8e: (m, r) => bytesOf(m, r.take(r.length(r.view(8).getBigUint64(0, true)))), // BINBYTES8
  0x96: (m, r) => bytesOf(m, r.take(r.length(r.view(8).getBigUint64(0, true)))), // BYTEARRAY8
};

const CONTAINERS: OpcodeGroup = {
  0x29: (m) => m.push(tuple([])), // EMPTY_TUPLE
  0x85: (m) => m.push(tuple([m.pop()])), // TUPLE1
  0x86: (m) => {
    // TUPLE2
    const b = m.pop();
    m.push(tuple([m.pop(), b]));
  },
  0x87: (m) => {
    // TUPLE3
    const c = m.pop();
    const b = m.pop();
    m.push(tuple([m.pop(), b, c]));
  },
  0x74: (m) => m.push(tuple(m.popMark())), // TUPLE
  0x5d: (m) => m.push(list()), // EMPTY_LIST
  0x6c: (m) => m.push(list(m.popMark())), // LIST
  0x7d: (m) => m.push(dict()), // EMPTY_DICT
  0x64: (m) => {
    // DICT
    const d = dict();
    m.setItems(d, m.popMark());
    m.push(d);
  },
  0x8f: (m) => m.push({ kind: 'set', items: [] }), // EMPTY_SET
  0x91: (m) => m.push({ kind: 'set', items: m.popMark() }), // FROZENSET
  0x61: (m) => {
    // APPEND
    const v = m.pop();
    m.append(m.top(), [v]);
  },
  0x65: (m) => {
    // APPENDS
    const items = m.popMark();
    m.append(m.top(), items);
  },
  0x90: (m) => {
    // ADDITEMS
    const items = m.popMark();
    m.append(m.top(), items);
  },
  0x73: (m) => {
    // SETITEM
    const v = m.pop();
    const k = m.pop();
    m.setItems(m.top(), [k, v]);
  },
  0x75: (m) => {
    // SETITEMS
    const items = m.popMark();
    m.setItems(m.top(), items);
  },
};

const MEMO: OpcodeGroup = {
  0x68: (m, r) => m.push(m.get(r.u8())), // BINGET
  0x6a: (m, r) => m.push(m.get(r.view(4).getUint32(0, true))), // LONG_BINGET
  0x67: (m, r) => m.push(m.get(memoIndexLine(r, 'GET'))), // GET
  0x71: (m, r) => m.put(r.u8()), // BINPUT
  0x72: (m, r) => m.put(r.view(4).getUint32(0, true)), // LONG_BINPUT
  0x70: (m, r) => m.put(memoIndexLine(r, 'PUT')), // PUT
  0x94: (m) => m.memoize(), // MEMOIZE
};

function stackGlobal(m: PickleMachine, r: Reader): void {
  const name = m.pop();
  const module = m.pop();
  if (typeof module !== 'string' || typeof name !== 'string') r.fail('STACK_GLOBAL takes two strings');
  m.push(globalOf(module, name));
}

const extension: OpcodeHandler = (_, r) => r.fail('the pickle refers to a copyreg extension code, which names a global only the writing process knew', 'unsupported');

/** Imports, calls and persistent ids: each goes to the caller's hooks, which decide what it becomes. */
const OBJECTS: OpcodeGroup = {
  0x63: (m, r) => {
    // GLOBAL: module\nname\n
    const module = r.line();
    m.push(globalOf(module, r.line()));
  },
  0x93: stackGlobal, // STACK_GLOBAL
  0x82: extension, // EXT1
  0x83: extension, // EXT2
  0x84: extension, // EXT4
  0x52: (m) => {
    // REDUCE
    const args = m.pop();
    const callable = m.pop();
    m.push(m.hooks.call(callable, m.asArgs(args, 'REDUCE')));
  },
  0x81: (m) => {
    // NEWOBJ
    const args = m.pop();
    const cls = m.pop();
    m.push(m.hooks.instantiate(cls, m.asArgs(args, 'NEWOBJ')));
  },
  0x92: (m) => {
    // NEWOBJ_EX: keyword arguments are kept as a trailing dict argument
    const kwargs = m.pop();
    const args = m.pop();
    const cls = m.pop();
    const all = m.asArgs(args, 'NEWOBJ_EX');
    if (isKind(kwargs, 'dict') && kwargs.entries.size > 0) all.push(kwargs);
    m.push(m.hooks.instantiate(cls, all));
  },
  0x69: (m, r) => {
    // INST: module\nname\n, arguments since the MARK; calls the class
    const module = r.line();
    const cls = globalOf(module, r.line());
    m.push(m.hooks.call(cls, m.popMark()));
  },
  0x6f: (m, r) => {
    // OBJ: class and arguments since the MARK; calls the class
    const items = m.popMark();
    if (items.length === 0) r.fail('OBJ opcode without a class');
    m.push(m.hooks.call(items[0]!, items.slice(1)));
  },
  0x62: (m) => {
    // BUILD
    const state = m.pop();
    const obj = m.pop();
    m.push(m.hooks.build(obj, state));
  },
  0x51: (m) => m.push(m.hooks.persistentLoad(m.pop())), // BINPERSID
  0x50: (m, r) => m.push(m.hooks.persistentLoad(r.line())), // PERSID
};

const unknownOpcode: OpcodeHandler = (_, r) => {
  const at = r.pos - 1;
  r.fail(`unknown pickle opcode 0x${r.bytes[at]!.toString(16).padStart(2, '0')} at offset ${at} — the file is damaged or not a pickle`);
};

/** Every opcode byte's handler; bytes that are no opcode (and STOP) fail as unknown. */
export const OPCODES: readonly OpcodeHandler[] = (() => {
  const table: OpcodeHandler[] = new Array<OpcodeHandler>(256).fill(unknownOpcode);
  for (const group of [CONTROL, NUMBERS, TEXT_AND_BYTES, CONTAINERS, MEMO, OBJECTS]) {
    for (const [code, handler] of Object.entries(group)) table[Number(code)] = handler;
  }
  return table;
})();
