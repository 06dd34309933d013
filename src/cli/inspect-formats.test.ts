import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_ROOT, fixtureGroups, fixtureRows } from '../core/formats/fixture-rows.test-util';
import { zip } from '../core/io/zip.test-util';
import { graft } from './graft.test-util';

const pick = (o: Record<string, unknown>) => ({ name: o.name, dtype: o.dtype, shape: o.shape, sha256: o.sha256 });
const byName = (a: { name: unknown }, b: { name: unknown }) => String(a.name).localeCompare(String(b.name));

async function inspectRows(path: string): Promise<Record<string, unknown>[]> {
  const { code, stdout, stderr } = await graft('inspect', path, '--json', '--sha256');
  expect(stderr.replace(/.*nodedir.*\n?/g, '')).toBe('');
  expect(code).toBe(0);
  return stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('graft inspect --json --sha256 on every TF.js and Keras fixture', () => {
  const groups = fixtureGroups(['tfjs', 'keras']);
  it('finds the fixtures', () => expect(groups.length).toBeGreaterThanOrEqual(9));

  for (const { fixture, file, rows } of groups) {
    it(`${fixture}/${file}`, async () => {
      const got = await inspectRows(join(FIXTURE_ROOT, fixture, file));
      const want = rows.map((r) => ({ name: r.name, dtype: r.dtype, shape: r.shape, sha256: r.sha256 }));
      expect(got.map(pick).sort(byName)).toEqual(want.sort(byName));
      for (const line of got) expect(['weight', 'optimizer', 'bookkeeping']).toContain(line.kind);
    });
  }

  it('a folder: the Keras 3 weights beside a Keras model JSON', async () => {
    const got = await inspectRows(join(FIXTURE_ROOT, 'keras3-weights-h5-diabetes'));
    expect(got.map(pick).sort(byName)).toEqual(fixtureRows('keras3-weights-h5-diabetes').map((r) => ({ name: r.name, dtype: r.dtype, shape: r.shape, sha256: r.sha256 })).sort(byName));
  });
});

describe('graft inspect on safetensors and npz files written here', () => {
  it('a safetensors file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-st-'));
    const data = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
    const head = new TextEncoder().encode(JSON.stringify({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } }));
    const file = new Uint8Array(8 + head.length + 12);
    new DataView(file.buffer).setBigUint64(0, BigInt(head.length), true);
    file.set(head, 8);
    file.set(data, 8 + head.length);
    writeFileSync(join(dir, 'model.safetensors'), file);
    const got = await inspectRows(join(dir, 'model.safetensors'));
    expect(got.map((o) => [o.name, o.dtype, o.shape, o.kind])).toEqual([['w', 'float32', [3], 'weight']]);
  });

  it('an npz file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-npz-'));
    const dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }";
    const header = dict + ' '.repeat(128 - 10 - dict.length - 1) + '\n';
    const npy = new Uint8Array(128 + 8);
    npy.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0]);
    npy.set(new TextEncoder().encode(header), 10);
    npy.set(new Uint8Array(new Int32Array([7, -7]).buffer), 128);
    writeFileSync(join(dir, 'arrays.npz'), zip([['layer/w.npy', npy]], true));
    const got = await inspectRows(join(dir, 'arrays.npz'));
    expect(got.map((o) => [o.name, o.dtype, o.shape])).toEqual([['layer/w', 'int32', [2]]]);
  });
});

describe('graft inspect on files that are not checkpoints', () => {
  it('a Keras model JSON alone: exits non-zero saying what it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-json-'));
    copyFileSync(join(FIXTURE_ROOT, 'keras3-weights-h5-diabetes/model.json'), join(dir, 'model.json'));
    const { code, stderr } = await graft('inspect', join(dir, 'model.json'));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/model\.json is a Keras model architecture without weights — drop it as the new model/);
  });

  it('a TF.js model.json without its weight file: exits non-zero naming the missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-tfjs-'));
    copyFileSync(join(FIXTURE_ROOT, 'tfjs-layers-adamshannag/model/model.json'), join(dir, 'model.json'));
    const { code, stderr } = await graft('inspect', join(dir, 'model.json'));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/group1-shard1of1\.bin/);
  });
});
