import { describe, expect, it } from 'vitest';
import { exportCheckpoint } from '../core/engine/export';
import { fixtureFiles } from '../core/formats/fixture-rows.test-util';
import { openCheckpoint } from '../core/formats/registry';
import { OUTPUT_FORMATS } from '../core/formats/writers';
import { memorySource } from '../core/io/byte-source';
import { MemoryFolder } from '../core/io/output';
import { emptyRecipe, type Recipe } from '../core/mapping';
import { openSlotSource } from '../worker/slots';
import { selectPlan } from './plan';
import type { GraftState } from './types';

describe('the page shows the plan the export runs', () => {
  it('a TF2 checkpoint as its own template: for every format, the counts the page shows are what the export writes', async () => {
    const files = fixtureFiles('tf2-keras-saveweights-nighthawks');
    const old = await openSlotSource('old', files, { as: 'checkpoint', files: files.map((f) => f.path) });
    const neu = await openSlotSource('new', files, { as: 'checkpoint', files: files.map((f) => f.path) });
    // Every new variable linked to the old one of its name: an identity recipe written here, not by the matcher.
    const recipe: Recipe = { ...emptyRecipe(), links: neu.target!.variables.map((v) => ({ from: [v.name], to: v.name, transforms: [] })) };
    const counts = new Map<string, number>();
    for (const format of OUTPUT_FORMATS) {
      const state = { recipe, slots: { old: { data: old.data }, new: { data: neu.data } }, exporting: { format } } as unknown as GraftState;
      const shown = selectPlan(state)!;
      const out = new MemoryFolder();
      const { plan } = await exportCheckpoint({ old: old.checkpoint!, target: neu.target!, recipe, format, out, name: 'merged', incompatible: 'initialise' });
      expect(shown.summary, format).toEqual(plan.summary);
      expect(shown.entries.map((e) => [e.to, e.status]), format).toEqual(plan.entries.map((e) => [e.to, e.status]));
      if (format === 'safetensors' || format === 'tf') {
        const back = await openCheckpoint([...out.files].map(([path, bytes]) => memorySource(path, bytes)));
        expect(back.tensors.length, format).toBe(shown.summary.total);
      }
      counts.set(format, shown.summary.total);
    }
    // The TF2 object graph is a variable of a TF checkpoint only: the page counts it for tf and not for safetensors.
    expect(neu.data.variables.map((v) => v.name)).toContain('_CHECKPOINTABLE_OBJECT_GRAPH');
    expect(counts.get('tf')).toBe(counts.get('safetensors')! + 1);
  });

  it('a truncated old data file: the page plan marks the links from unreadable weights incompatible, as the export does', async () => {
    const files = fixtureFiles('tf1-saver-houseprices').filter((f) => f.path.startsWith('model.ckpt.') && !f.path.endsWith('.meta'));
    const data = files.find((f) => f.path.includes('.data-'))!;
    const cut = memorySource(data.path, (await data.read(0, data.size)).subarray(0, 10000));
    const truncated = files.map((f) => (f === data ? cut : f));
    const old = await openSlotSource('old', truncated, { as: 'checkpoint', files: truncated.map((f) => f.path) });
    const neu = await openSlotSource('new', files, { as: 'checkpoint', files: files.map((f) => f.path) });
    expect(old.data.variables.find((v) => v.name === 'Variable_2')!.unreadable).toMatch(/^its bytes 10808\.\.12808 lie past the end of/);
    expect(old.data.variables.find((v) => v.name === 'Variable')!.unreadable).toBeUndefined();
    const weights = neu.target!.variables.filter((v) => v.kind === 'weight');
    const recipe: Recipe = { ...emptyRecipe(), links: weights.map((v) => ({ from: [v.name], to: v.name, transforms: [] })) };
    const state = { recipe, slots: { old: { data: old.data }, new: { data: neu.data } }, exporting: { format: 'tf' } } as unknown as GraftState;
    const shown = selectPlan(state)!;
    expect(weights).toHaveLength(12);
    expect(shown.summary.incompatible).toBe(10);
    expect(shown.entries.find((e) => e.to === 'Variable_9')!.problem).toMatch(/^Variable_9 cannot be read: its bytes/);
    const { plan } = await exportCheckpoint({ old: old.checkpoint!, target: neu.target!, recipe, format: 'tf', out: new MemoryFolder(), name: 'm', incompatible: 'initialise' });
    expect(shown.entries.map((e) => [e.to, e.status, e.problem])).toEqual(plan.entries.map((e) => [e.to, e.status, e.problem]));
  });
});
