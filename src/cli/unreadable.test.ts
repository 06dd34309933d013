/**
 * Ready means ready: a real TF checkpoint whose data file is truncated (10 of its 12 weights past the end) or missing
 * lists as before, but every link from an unreadable variable is incompatible, named, before any byte is read; the
 * export refuses naming the variables, not a byte offset.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../core/formats/tf-bundle/fixtures.test-util';
import { apply, type ProgressStream } from './apply';
import { match } from './match';

const HOUSE = join(FIXTURES, 'tf1-saver-houseprices');
const RUAN = join(FIXTURES, 'tf2-keras-2shard-little_ruan');
const quiet: ProgressStream = { isTTY: false, write: () => true };
// In the data file, Variable (0..3200) and Variable_1 (9600..10000) end by byte 10000; the other 10 weights do not.
const UNREADABLE = ['Variable_10', 'Variable_11', 'Variable_2', 'Variable_3', 'Variable_4', 'Variable_5', 'Variable_6', 'Variable_7', 'Variable_8', 'Variable_9'];

function truncatedHouse(): string {
  const dir = mkdtempSync(join(tmpdir(), 'graft-truncated-'));
  copyFileSync(join(HOUSE, 'model.ckpt.index'), join(dir, 'model.ckpt.index'));
  writeFileSync(join(dir, 'model.ckpt.data-00000-of-00001'), readFileSync(join(HOUSE, 'model.ckpt.data-00000-of-00001')).subarray(0, 10000));
  return join(dir, 'model.ckpt');
}

describe('unreadable sources', () => {
  it('a truncated data file: the links from the 10 weights past its end are incompatible, each naming its variable and why', async () => {
    const { plan } = await match(truncatedHouse(), join(HOUSE, 'model.ckpt'), { rules: [], json: true, accept: 'likely', includeOptimizer: false }, () => undefined);
    const bad = plan.entries.filter((e) => e.status === 'incompatible');
    expect(bad.map((e) => e.to).sort()).toEqual(UNREADABLE);
    for (const e of bad) expect(e.problem).toMatch(new RegExp(`^${e.from[0]} cannot be read: its bytes \\d+\\.\\.\\d+ lie past the end of model.ckpt.data-00000-of-00001, which has only 10000 bytes`));
    expect(plan.entries.filter((e) => e.status === 'exact').map((e) => e.to).sort()).toEqual(['Variable', 'Variable_1']);
    expect(plan.summary.incompatible).toBe(10);
  });

  it('the export of that pair refuses before writing, naming the unreadable variables', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'graft-truncated-out-')), 'merged.ckpt');
    const run = apply(truncatedHouse(), join(HOUSE, 'model.ckpt'), { out, format: 'tf', initialiseIncompatible: false, progress: quiet }, () => undefined);
    await expect(run).rejects.toMatchObject({ code: 'incompatible' });
    await expect(run).rejects.toThrow(/10 new variables .*Variable_10 \(Variable_10 cannot be read: its bytes/);
  });

  it('a missing data shard: the links from the variables stored there are incompatible, naming the shard', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-missing-shard-'));
    for (const f of ['model.ckpt.index', 'model.ckpt.data-00000-of-00002']) copyFileSync(join(RUAN, f), join(dir, f));
    const { plan } = await match(join(dir, 'model.ckpt'), join(RUAN, 'model.ckpt'), { rules: [], json: true, accept: 'likely', includeOptimizer: false }, () => undefined);
    const bad = plan.entries.filter((e) => e.status === 'incompatible');
    expect(bad.length).toBeGreaterThan(0);
    for (const e of bad) expect(e.problem).toBe(`${e.from[0]} cannot be read: its data file model.ckpt.data-00001-of-00002 (shard 1 of 2) was not dropped with the index`);
    // Every linked weight stored in the missing shard is among them; none stored in the shard that is there.
    const expected = readFileSync(join(RUAN, 'expected.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { name: string; shard_id: number });
    const inShard1 = new Set(expected.filter((r) => r.shard_id === 1).map((r) => r.name));
    for (const e of plan.entries.filter((x) => x.from.length > 0)) expect(e.status === 'incompatible').toBe(inShard1.has(e.from[0]!));
  });
});
