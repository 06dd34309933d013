/**
 * The state of the pickle interpreter (pickle.ts): its stack, the stacks a MARK set aside, its memo, and the
 * stack operations the opcodes (pickle-opcodes.ts) are written in. Every misuse of them is a GraftError.
 */
import type { Reader } from './pickle-reader';
import { isKind, setItem, tuple, typeName, type PyGlobal, type PyValue } from './values';
import { own } from '../../io/untrusted';

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

/** Python 2 names, as `pickle` maps them when loading (Lib/_compat_pickle.py, the entries checkpoints use). */
const MODULE_RENAMES: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

export function globalOf(module: string, name: string): PyGlobal {
  return { kind: 'global', module: own(MODULE_RENAMES, module) ?? module, name };
}

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

export class PickleMachine {
  /** The values since the last MARK; a MARK sets it aside in `metastack` and starts an empty one. */
  private stack: Slot[] = [];
  private readonly metastack: Slot[][] = [];
  private readonly memo = new Map<number, PyValue>();

  constructor(
    readonly r: Reader,
    readonly hooks: PickleHooks,
  ) {}

  push(v: PyValue): void {
    this.stack.push(v);
  }

  pop(): PyValue {
    const v = this.stack.pop();
    if (v === undefined) this.r.fail(`the pickle pops from an empty stack at offset ${this.r.pos - 1}`);
    if (v === MARK) this.r.fail(`the pickle uses a MARK as a value at offset ${this.r.pos - 1}`);
    return v;
  }

  /** POP: discards the top slot, a MARK included. */
  discard(): void {
    if (this.stack.length === 0) this.r.fail(`the pickle pops from an empty stack at offset ${this.r.pos - 1}`);
    this.stack.pop();
  }

  top(): PyValue {
    const v = this.stack[this.stack.length - 1];
    if (v === undefined || v === MARK) this.r.fail(`the pickle needs a value on the stack at offset ${this.r.pos - 1}`);
    return v;
  }

  mark(): void {
    this.metastack.push(this.stack);
    this.stack = [];
  }

  /** The values since the last MARK, which is closed. */
  popMark(): PyValue[] {
    const items = this.stack;
    const outer = this.metastack.pop();
    if (!outer) this.r.fail(`the pickle closes a MARK it never opened at offset ${this.r.pos - 1}`);
    this.stack = outer;
    if (items.includes(MARK)) this.r.fail('the pickle nests a MARK inside another');
    return items as PyValue[];
  }

  get(i: number): PyValue {
    if (!this.memo.has(i)) this.r.fail(`the pickle reads memo entry ${i}, which it never stored`);
    return this.memo.get(i)!;
  }

  put(i: number): void {
    this.memo.set(i, this.top());
  }

  /** MEMOIZE: stores the top value under the next free index. */
  memoize(): void {
    this.memo.set(this.memo.size, this.top());
  }

  append(target: PyValue, items: PyValue[]): void {
    if (isKind(target, 'list')) target.items.push(...items);
    else if (isKind(target, 'object')) target.items.push(...items);
    else if (isKind(target, 'set')) target.items.push(...items);
    else this.r.fail(`the pickle appends to a ${typeName(target)}, which is not a list`);
  }

  /** `items` alternates keys and values. */
  setItems(target: PyValue, items: PyValue[]): void {
    if (items.length % 2) this.r.fail('the pickle sets a dict item without a value');
    for (let i = 0; i < items.length; i += 2) {
      if (isKind(target, 'dict')) setItem(target, items[i]!, items[i + 1]!);
      else if (isKind(target, 'object')) target.items.push(tuple([items[i]!, items[i + 1]!]));
      else this.r.fail(`the pickle sets an item on a ${typeName(target)}, which is not a dict`);
    }
  }

  asArgs(v: PyValue, op: string): PyValue[] {
    if (!isKind(v, 'tuple')) this.r.fail(`${op} takes a tuple of arguments, found ${typeName(v)}`);
    return [...v.items];
  }
}
