/**
 * Hostile pickles (issue 17): names that are Object.prototype's members looked up in Graft's tables, and dict keys
 * made of tuples nested or shared (through the memo) without end. Every file is built here, opcode by opcode.
 */
import { describe, expect, it } from 'vitest';
import { GraftError } from '../../errors';
import { memorySource } from '../../io/byte-source';
import type { Checkpoint } from '../../model/checkpoint';
import { listCandidates, openCheckpoint } from '../registry';
import { f32, P, stateDictPickle, tensorOps, torchZip } from './pickle.test-util';

const withEntry = (ops: number[]) => torchZip(stateDictPickle([['w', tensorOps('FloatStorage', '0', 2, 0, [2], [1])], ['x', ops]]), { '0': f32([1, 2]) });

async function open(file: Uint8Array) {
  const src = memorySource('h.pt', file);
  const candidates = await listCandidates([src]);
  return openCheckpoint([src], candidates[0]?.id);
}

/** A typed error naming the file, or a listing that holds the state dict's tensor. */
function expectTypedOrListed(result: unknown): void {
  if (result instanceof Error) expect([result instanceof GraftError, (result as GraftError).file]).toEqual([true, 'h.pt']);
  else expect((result as Checkpoint).tensors.map((t) => t.name)).toContain('w');
}

describe('hostile pickles', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    it(`a storage type torch.${name} is refused by name`, async () => {
      const file = torchZip(stateDictPickle([['w', tensorOps(name, '0', 2, 0, [2], [1])]]), { '0': f32([1, 2]) });
      const err = await open(file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GraftError);
      expect((err as GraftError).file).toBe('h.pt');
    });
  }

  it('a module named constructor is not renamed through Object.prototype', async () => {
    const err = await open(withEntry([...P.global('constructor', 'x'), ...P.emptyTuple, ...P.reduce])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraftError);
    expect((err as GraftError).message).toMatch(/calls constructor\.x/);
  });

  it('a dict key that is a tuple shared 2^40 times over through the memo opens quickly', async () => {
    // t0 = (); t(k+1) = (tk, tk), each kept in memo 0: 40 levels name 2^40 leaves.
    const ops: number[] = [...P.emptyTuple, ...P.put(0)];
    for (let i = 0; i < 40; i++) ops.push(...P.get(0), ...P.get(0), ...P.tuple2, ...P.put(0));
    const dict = [...P.emptyDict, ...P.get(0), ...P.int(1), ...P.setitem];
    const t0 = performance.now();
    const result = await open(withEntry([...ops, 0x30 /* POP */, ...dict])).catch((e: unknown) => e);
    expect((performance.now() - t0) / 1000).toBeLessThan(5); // the unbounded key id never returned
    expectTypedOrListed(result);
  });

  it('a dict key nested 100,000 tuples deep is no stack overflow', async () => {
    const ops: number[] = [...P.emptyDict, ...P.emptyTuple];
    for (let i = 0; i < 100_000; i++) ops.push(...P.tuple1);
    ops.push(...P.int(1), ...P.setitem);
    expectTypedOrListed(await open(withEntry(ops)).catch((e: unknown) => e));
  });

  it('10,000 tensors that are views of one storage: one short warning', async () => {
    // Built with a loop: stateDictPickle spreads its arguments, too many for one call here.
    const ops: number[] = [...P.proto(), ...P.emptyDict, ...P.mark];
    const tensor = tensorOps('FloatStorage', '0', 2, 0, [2], [1]);
    for (let i = 0; i < 10_000; i++) for (const b of [...P.str(`t${i}`), ...tensor]) ops.push(b);
    ops.push(...P.setitems, ...P.stop);
    const ckpt = await open(torchZip(Uint8Array.from(ops), { '0': f32([1, 2]) }));
    expect(ckpt.tensors).toHaveLength(10_000);
    const shared = ckpt.warnings.filter((w) => /views of one storage/.test(w));
    expect(shared).toEqual([expect.stringMatching(/^t0, t1, t2, t3 and 9996 more are views of one storage/)]);
    expect(shared[0]!.length).toBeLessThan(300);
  });
});
