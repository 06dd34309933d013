import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../core/formats/tf-bundle/fixtures.test-util';
import { parseRecipeText } from '../core/mapping/recipe-schema';
import { match, openTarget, type MatchCliOptions } from './match';

const HOUSE = join(FIXTURES, 'tf1-saver-houseprices');
const opts = (o: Partial<MatchCliOptions> = {}): MatchCliOptions => ({ rules: [], json: false, accept: 'likely', includeOptimizer: false, ...o });
const lines = async (oldPath: string, newPath: string, o: Partial<MatchCliOptions> = {}) => {
  const out: string[] = [];
  await match(oldPath, newPath, opts(o), (l) => out.push(l));
  return out;
};

describe('graft match', () => {
  it('--json: one object per new variable, then the summary', async () => {
    const out = (await lines(join(HOUSE, 'model_longtrain.ckpt'), join(HOUSE, 'model.ckpt'), { json: true })).map((l) => JSON.parse(l) as Record<string, unknown>);
    const rows = out.slice(0, -1);
    expect(rows).toHaveLength(34);
    expect(rows.find((r) => r.to === 'Variable')).toMatchObject({ from: ['Variable'], status: 'exact', confidence: 'sure', reason: 'same name', transforms: [] });
    // Keeping 10 of 1000 rows drops 99% of the old kernel: proposed as a guess, not applied.
    expect(rows.find((r) => r.to === 'Variable_8')).toMatchObject({ from: [], status: 'initialised', proposal: { from: ['Variable_6'], confidence: 'guess', transforms: [{ op: 'slice', axis: 0, start: 0, size: 10 }] } });
    expect(rows.find((r) => r.to === 'Variable_2')).toMatchObject({ from: [], status: 'initialised', proposal: { from: ['Variable_2'], confidence: 'guess' } });
    expect(out[out.length - 1]).toMatchObject({ summary: { exact: 5, transformed: 0, initialised: 29, incompatible: 0, unused: 5, excluded: 22 } });
  });

  it('rules on the command line, the rule counts, and --out writes a recipe that gives the same plan again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-match-'));
    const recipe = join(dir, 'r.json');
    const first = await lines(join(HOUSE, 'model.ckpt'), join(HOUSE, 'model.ckpt'), { rules: ['re:^Variable_1$=Variable_1'], out: recipe });
    expect(first).toContain('rule 1 /^Variable_1$/→`Variable_1`: moved 1 name');
    expect(first[first.length - 1]).toBe('summary: 12 exact, 0 transformed, 22 initialised, 0 incompatible; 0 unused old (22 optimizer/bookkeeping left out)');
    const saved = parseRecipeText(readFileSync(recipe, 'utf8'), recipe);
    expect(saved.links).toHaveLength(12);
    const again = await lines(join(HOUSE, 'model.ckpt'), join(HOUSE, 'model.ckpt'), { recipe });
    expect(again.slice(2)).toEqual(first.slice(2));
  });

  it('--report: the missing / unexpected / mismatched report as Markdown, findings first', async () => {
    const out = await lines(join(HOUSE, 'model_longtrain.ckpt'), join(HOUSE, 'model.ckpt'), { report: true });
    expect(out[0]).toBe('# Graft match: model_longtrain.ckpt → model.ckpt');
    expect(out).toContain('## Findings');
    expect(out).toContain('## Missing (29): new variables no old value fills');
    expect(out).toContain('| `Variable_8` | [10,1] | initializer | guess ← `Variable_6`: old 4th ↔ new 5th layer with weights (a layer was inserted before it), [1000,1] → [10,1]; keep the first 10 of 1000 on axis 0; 99% of the old tensor would be dropped |');
    expect(out).toContain('## Unexpected (5): old variables nothing uses');
    expect(out).toContain('| `Variable_4` | [100,1000] |');
    expect(out).toContain('## Mismatched (0): linked through a shape or dtype change');
  });

  it('the text output ends with the findings before the summary line', async () => {
    const out = await lines(join(HOUSE, 'model_longtrain.ckpt'), join(HOUSE, 'model.ckpt'));
    const at = out.indexOf('findings:');
    expect(at).toBeGreaterThan(0);
    expect(out.slice(at + 1, -2).every((l) => l.startsWith('  - '))).toBe(true);
    expect(out[out.length - 1]).toMatch(/^summary: /);
  });

  it('a model JSON as NEW', async () => {
    const fixture = join(FIXTURES, 'keras3-weights-h5-diabetes');
    const out = await lines(join(fixture, 'model.weights.h5'), join(fixture, 'model.json'));
    expect(out[out.length - 1]).toMatch(/^summary: 6 exact, 0 transformed, 0 initialised, 0 incompatible; 0 unused old/);
  });

  it('NEW is read by content, not by its name: a model JSON named .txt; a TF.js model.json with its weights is its model, starting from them', async () => {
    const fixture = join(FIXTURES, 'keras3-weights-h5-diabetes');
    const dir = mkdtempSync(join(tmpdir(), 'graft-match-'));
    writeFileSync(join(dir, 'new-model.txt'), readFileSync(join(fixture, 'model.json')));
    const renamed = await lines(join(fixture, 'model.weights.h5'), join(dir, 'new-model.txt'));
    expect(renamed[renamed.length - 1]).toMatch(/^summary: 6 exact, 0 transformed, 0 initialised, 0 incompatible; 0 unused old/);
    // As the page's new slot opens it: the model its topology describes, its stored weights the defaults.
    const tfjs = await openTarget(join(FIXTURES, 'tfjs-layers-adamshannag/model/model.json'));
    expect(tfjs.source).toBe('keras-json');
    expect(tfjs.variables.length).toBeGreaterThan(0);
    expect(tfjs.variables.every((v) => v.initializer.kind === 'template')).toBe(true);
    expect(tfjs.topology).toBeDefined();
  });

  it('NEW is built from one read where detection would route it to the build, and only there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-match-'));
    const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
    const list = file('list.json', JSON.stringify([{ name: 'dense/kernel', shape: [2, 3], dtype: 'float32' }]));
    expect((await openTarget(list)).variables.map((v) => v.name)).toEqual(['dense/kernel']);
    // A detected model that does not build fails with the builder's sentence.
    await expect(openTarget(file('twice.json', JSON.stringify([{ name: 'a', shape: [2], dtype: 'float32' }, { name: 'a', shape: [2], dtype: 'float32' }])))).rejects.toThrow('lists a twice');
    // JSON that detection refuses is read as a checkpoint, as before: Python's NaN (which the builder alone would
    // read) and JSON that is no model.
    await expect(openTarget(file('nan.json', '[{"name": "a", "shape": [2], "dtype": "float32", "std": NaN}]'))).rejects.toThrow('is not a checkpoint Graft reads');
    await expect(openTarget(file('other.json', '{"a": 1}'))).rejects.toThrow('is not a checkpoint Graft reads');
  });

  it('exits 0 with gaps and non-zero with one sentence on errors', async () => {
    const run = promisify(execFile);
    const bin = resolve(process.cwd(), 'bin/graft.mjs');
    const ok = await run('node', [bin, 'match', join(HOUSE, 'model_longtrain.ckpt'), join(HOUSE, 'model.ckpt')]);
    expect(ok.stdout).toMatch(/5 proposals to review/);
    const dir = mkdtempSync(join(tmpdir(), 'graft-match-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ version: 9 }));
    const bad = await run('node', [bin, 'match', join(HOUSE, 'model.ckpt'), join(HOUSE, 'model.ckpt'), '--recipe', join(dir, 'bad.json')]).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stderr: string }).stderr).toMatch(/bad\.json: recipe version 9 is newer than this Graft understands/);
  });
});
