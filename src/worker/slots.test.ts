import { describe, expect, it } from 'vitest';
import { fixtureFiles } from '../core/formats/fixture-rows.test-util';
import { memorySource } from '../core/io/byte-source';
import { inspectSlot, openSlotSource, routeFiles, swapSlots } from './slots';

const EMPTY = { old: 'empty', new: 'empty' } as const;
const flat = { kernel: { mode: 'flat' } } as const;

describe('slots', () => {
  const diabetes = fixtureFiles('keras3-weights-h5-diabetes');

  it('opens the Keras 3 weights as old and the model JSON as new, with initializers and layer classes', async () => {
    const routed = await routeFiles(diabetes, EMPTY);
    if (routed.kind !== 'route') throw new Error(routed.kind);
    const old = await openSlotSource('old', diabetes, routed.plan.old!);
    const neu = await openSlotSource('new', diabetes, routed.plan.new!);
    expect(old.data).toMatchObject({ role: 'old', kind: 'checkpoint', format: 'keras-h5', formatName: 'Keras HDF5 weights' });
    expect(old.data.variables[0]!.name).toBe('layers/dense/vars/0');
    expect(neu.data).toMatchObject({ role: 'new', kind: 'keras-json', formatName: 'Keras model JSON', files: ['model.json'] });
    const kernel = neu.data.variables.find((v) => v.name === 'dense/kernel')!;
    expect(kernel).toMatchObject({ shape: [8, 12], layerClass: 'Dense', kerasPath: 'layers/dense/vars/0' });
    expect(kernel.initializer).toMatchObject({ kind: 'keras' });

    // The new side's statistics come from the initializer: glorot_uniform on [8, 12] stays within ±sqrt(6 / 20).
    const r = await inspectSlot(neu, 'dense/kernel', flat, 0);
    if (r.kind !== 'numbers') throw new Error(r.kind);
    const limit = Math.sqrt(6 / 20);
    expect(r.summary.count).toBe(96);
    expect(r.summary.min!).toBeGreaterThanOrEqual(-limit);
    expect(r.summary.max!).toBeLessThanOrEqual(limit);
    expect(r.summary.std!).toBeGreaterThan(0);
    // Seeded: the same seed shows the same values, another seed others.
    expect(await inspectSlot(neu, 'dense/kernel', flat, 0)).toEqual(r);
    expect(await inspectSlot(neu, 'dense/kernel', flat, 1)).not.toEqual(r);
    old.checkpoint?.close?.();
  });

  it('refuses a model JSON in the old slot, and swapping a model JSON into it', async () => {
    await expect(openSlotSource('old', diabetes, { as: 'model-json', files: ['model.json'], path: 'model.json' })).rejects.toThrow(/can only be the new model/);
    const neu = await openSlotSource('new', diabetes, { as: 'model-json', files: ['model.json'], path: 'model.json' });
    await expect(swapSlots(null, neu)).rejects.toThrow(/cannot become the old checkpoint/);
  });

  it('swaps a checkpoint into the new slot as a template whose values are its own', async () => {
    const titanic = fixtureFiles('keras2-h5-weights-titanic');
    const old = await openSlotSource('old', titanic, { as: 'checkpoint', files: ['weights.h5'] });
    const swapped = await swapSlots(old, null);
    expect(swapped.old).toBeNull();
    expect(swapped.new!.data).toMatchObject({ role: 'new', kind: 'template', formatName: 'Keras HDF5 weights, as template' });
    expect(swapped.new!.data.variables.every((v) => v.initializer?.kind === 'template')).toBe(true);
    const name = 'dense/dense/kernel:0';
    expect(await inspectSlot(swapped.new!, name, flat, 0)).toEqual(await inspectSlot(old, name, flat, 0));
    const back = await swapSlots(null, swapped.new);
    expect(back.old!.data).toMatchObject({ role: 'old', kind: 'checkpoint' });
    old.checkpoint?.close?.();
  });

  it('says what dropped files are when they fit nowhere, per slot', async () => {
    const notes = [memorySource('notes.txt', new TextEncoder().encode('hello'))];
    const anywhere = await routeFiles(notes, EMPTY);
    expect(anywhere).toMatchObject({ kind: 'none', error: { code: 'not-recognised' } });
    if (anywhere.kind === 'none') expect(anywhere.error.message).toContain('notes.txt');
    const intoNew = await routeFiles(notes, EMPTY, 'new');
    if (intoNew.kind !== 'none') throw new Error(intoNew.kind);
    expect(intoNew.error.message).toMatch(/notes\.txt: none of these files is a model JSON/);
    const jsonIntoOld = await routeFiles(diabetes.filter((f) => f.path === 'model.json'), EMPTY, 'old');
    if (jsonIntoOld.kind !== 'none') throw new Error(jsonIntoOld.kind);
    expect(jsonIntoOld.error.message).toMatch(/drop it as the new model/);
  });
});

describe('candidates', () => {
  it('marks as latest only the save a checkpoint state file names, never the registry’s guess', async () => {
    const houses = fixtureFiles('tf1-saver-houseprices');
    const named = await openSlotSource('old', houses, { as: 'checkpoint', files: houses.map((f) => f.path) });
    expect(named.candidates.map((c) => [c.id, c.isDefault, c.latest ?? false]).sort()).toEqual([
      ['model.ckpt', true, true],
      ['model_longtrain.ckpt', false, false],
    ]);
    const stateless = houses.filter((f) => f.path !== 'checkpoint');
    const guessed = await openSlotSource('old', stateless, { as: 'checkpoint', files: stateless.map((f) => f.path) });
    expect(guessed.candidates.filter((c) => c.isDefault)).toHaveLength(1);
    expect(guessed.candidates.some((c) => c.latest)).toBe(false);
  });
});
