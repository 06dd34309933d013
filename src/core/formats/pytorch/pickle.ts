/**
 * A pickle interpreter that executes nothing: it knows the opcodes of protocols 0–5 (pickle-opcodes.ts) and hands
 * every import, call, instantiation and persistent id to the caller's hooks, which decide what they become. It never
 * resolves a name to code. Runs in one pass over the bytes: a pickle has no loops, so time and memory grow with its
 * length.
 */
import { PickleMachine, type PickleHooks } from './pickle-machine';
import { OPCODES, STOP } from './pickle-opcodes';
import { Reader } from './pickle-reader';
import type { PyValue } from './values';

export type { PickleHooks } from './pickle-machine';

export interface Unpickled {
  value: PyValue;
  /** Offset just past the STOP opcode. */
  end: number;
}

/**
 * Runs the pickle starting at `start` of `bytes` up to its STOP opcode. `what` names it in errors
 * (`archive/data.pkl`). Any malformed input is a GraftError naming `file`; nothing else is thrown.
 */
export function unpickle(bytes: Uint8Array, file: string, what: string, hooks: PickleHooks, start = 0): Unpickled {
  const r = new Reader(bytes, file, what, start);
  const machine = new PickleMachine(r, hooks);
  for (;;) {
    const op = r.u8();
    if (op === STOP) return { value: machine.pop(), end: r.pos };
    OPCODES[op]!(machine, r);
  }
}
