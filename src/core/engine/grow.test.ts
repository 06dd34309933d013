import { describe, expect, it } from 'vitest';
import { chainShapes, compile, emptyRecipe, type Link } from '../mapping';
import { parseRecipe } from '../mapping/recipe-schema';
import { decodeNumbers } from '../model/numbers';
import { collectingWriter, listTarget, memoryCheckpoint } from './engine.test-util';
import { execute } from './execute';
import { divideReplicatedBytes, identityBytes, net2widerBytes } from './grow';

const f32 = (xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);
const values = (bytes: Uint8Array) => Array.from(decodeNumbers(bytes, 'float32'));

describe('growth steps on bytes', () => {
  it('net2wider copies units along the axis; divide-replicated divides each copy by its count', () => {
    const w = { bytes: f32([1, 2, 3, 4, 5, 6]), shape: [2, 3], dtype: 'float32' as const };
    expect(values(net2widerBytes(w, { op: 'net2wider', axis: 1, mapping: [0, 1, 2, 0, 0] }, 0, 'k'))).toEqual([1, 2, 3, 1, 1, 4, 5, 6, 4, 4]);
    // unit 0 is named three times: each copy carries a third (rounded once to float32), unit 2 once: as it was
    expect(values(divideReplicatedBytes(w, { op: 'divide-replicated', axis: 1, mapping: [0, 1, 2, 0, 0] }))).toEqual(
      [1, 2, 3, 1, 1, 4, 5, 6, 4, 4].map((x, i) => Math.fround(x / ([3, 1, 1, 3, 3][i % 5]!))),
    );
    const rows = { bytes: f32([1, 2, 3, 4]), shape: [2, 2], dtype: 'float32' as const };
    expect(values(divideReplicatedBytes(rows, { op: 'divide-replicated', axis: 0, mapping: [0, 1, 1] }))).toEqual([1, 2, 1.5, 2, 1.5, 2]);
  });

  it('the copies of a unit add back to the unit: a consumer reads the same sum', () => {
    const mapping = [0, 1, 2, 1, 1, 2, 0];
    const w = { bytes: f32([0.3, -1.7, 2.9]), shape: [3], dtype: 'float32' as const };
    const split = values(divideReplicatedBytes(w, { op: 'divide-replicated', axis: 0, mapping }));
    for (let u = 0; u < 3; u++) expect(split.filter((_, j) => mapping[j] === u).reduce((a, b) => a + b, 0)).toBeCloseTo([0.3, -1.7, 2.9][u]!, 6);
  });

  it('noise goes only to new positions, the same for the same seed and variable', () => {
    const w = { bytes: f32([1, 2, 3, 4]), shape: [2, 2], dtype: 'float32' as const };
    const step = { op: 'net2wider' as const, axis: 1, mapping: [0, 1, 0], noise: 0.01 };
    const a = values(net2widerBytes(w, step, 5, 'k'));
    expect([a[0], a[1], a[3], a[4]]).toEqual([1, 2, 3, 4]);
    expect(a[2]).not.toBe(1);
    expect(Math.abs(a[2]! - 1)).toBeLessThan(0.1);
    expect(values(net2widerBytes(w, step, 5, 'k'))).toEqual(a);
    expect(values(net2widerBytes(w, step, 6, 'k'))).not.toEqual(a);
  });

  it('identity: eye for [n, n], the centre tap for a kernel (SAME padding: (k - 1) // 2, also for even k)', () => {
    expect(values(identityBytes({ op: 'identity', shape: [2, 2], dtype: 'float32' }))).toEqual([1, 0, 0, 1]);
    const k = values(identityBytes({ op: 'identity', shape: [3, 2, 2, 2], dtype: 'float32' }));
    const at = (h: number, w: number, i: number, o: number) => k[((h * 2 + w) * 2 + i) * 2 + o];
    expect(k.filter((x) => x === 1)).toHaveLength(2);
    expect([at(1, 0, 0, 0), at(1, 0, 1, 1)]).toEqual([1, 1]);
  });
});

describe('growth steps in plans and runs', () => {
  it('a link with no source whose first step makes the value is applied, not initialised; the recipe parser keeps it', async () => {
    const links: Link[] = [
      { from: [], to: 'ins/kernel', transforms: [{ op: 'identity', shape: [3, 3], dtype: 'float32' }] },
      { from: [], to: 'bn/moving_variance', transforms: [{ op: 'constant', shape: [3], dtype: 'float32', value: 0.999 }] },
      { from: ['d/kernel'], to: 'd/kernel', transforms: [{ op: 'net2wider', axis: 1, mapping: [0, 1, 1] }] },
      { from: ['o/kernel'], to: 'o/kernel', transforms: [{ op: 'divide-replicated', axis: 0, mapping: [0, 1, 1] }] },
    ];
    const recipe = parseRecipe(JSON.parse(JSON.stringify(emptyRecipe({ links }))));
    expect(recipe.links).toEqual(links);
    const old = await memoryCheckpoint([
      { name: 'd/kernel', dtype: 'float32', shape: [1, 2], bytes: f32([1, 2]) },
      { name: 'o/kernel', dtype: 'float32', shape: [2, 1], bytes: f32([5, 7]) },
    ]);
    const target = listTarget([
      { name: 'ins/kernel', dtype: 'float32', shape: [3, 3] },
      { name: 'bn/moving_variance', dtype: 'float32', shape: [3] },
      { name: 'd/kernel', dtype: 'float32', shape: [1, 3] },
      { name: 'o/kernel', dtype: 'float32', shape: [3, 1] },
    ]);
    const plan = compile(recipe, old, target);
    expect(plan.entries.map((e) => e.status)).toEqual(['transformed', 'transformed', 'transformed', 'transformed']);
    const w = collectingWriter();
    await execute(plan, old, target, w, { seed: 0 });
    expect(w.tensors.map((t) => values(t.bytes))).toEqual([[1, 0, 0, 0, 1, 0, 0, 0, 1], [0.999, 0.999, 0.999].map(Math.fround), [1, 2, 2], [5, 3.5, 3.5]]);
  });

  it('refuses what cannot fit: a copy of a unit that does not exist, division of integers, identity of a non-square kernel', () => {
    const x = [{ shape: [2, 3], dtype: 'float32' as const }];
    expect(chainShapes([{ op: 'net2wider', axis: 1, mapping: [0, 3] }], x)).toMatchObject({ ok: false, reason: expect.stringContaining('copies unit 3') });
    expect(chainShapes([{ op: 'divide-replicated', axis: 0, mapping: [0] }], [{ shape: [2], dtype: 'int32' }])).toMatchObject({ ok: false, reason: expect.stringContaining('needs floats') });
    expect(chainShapes([{ op: 'identity', shape: [2, 3], dtype: 'float32' }], [])).toMatchObject({ ok: false });
    expect(chainShapes([{ op: 'identity', shape: [2, 2], dtype: 'float32' }], x)).toMatchObject({ ok: false, reason: expect.stringContaining('from nothing') });
    expect(chainShapes([{ op: 'net2wider', axis: 0, mapping: [0, 1, 1], noise: 0.1 }], x)).toMatchObject({ ok: true, notes: [expect.stringContaining('approximately')] });
  });
});
