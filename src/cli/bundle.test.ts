import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTfBundle } from '../core/formats/tf-bundle';
// @ts-expect-error plain JavaScript module without types
import { buildBundle, freshBundle } from '../../scripts/cli-bundle.mjs';

const run = promisify(execFile);
// Inside the repository (dist-cli/ is ignored) so that the bundle finds node_modules.
mkdirSync('dist-cli', { recursive: true });
const dir = mkdtempSync(join('dist-cli', '.test-'));
const tmp = mkdtempSync(join(tmpdir(), 'graft-bundle-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

describe('the CLI bundle', () => {
  it('is used only while no input is newer than it', async () => {
    const out = join(dir, 'dist');
    const bundle: string = await buildBundle(out);
    expect(freshBundle(out)).toBe(bundle);
    // A source it was built from changes: stale until rebuilt.
    const input = join(tmp, 'input.ts');
    writeFileSync(input, '');
    utimesSync(input, new Date(), new Date(Date.now() - 60_000));
    writeFileSync(join(out, 'inputs.txt'), `src/cli/main.ts\n${input}\n`);
    expect(freshBundle(out)).toBe(bundle);
    utimesSync(input, new Date(), new Date(Date.now() + 60_000));
    expect(freshBundle(out)).toBeNull();
    rmSync(input);
    expect(freshBundle(out)).toBeNull();
  });

  it('runs the same CLI as tsx does', async () => {
    const bundle: string = await buildBundle(join(dir, 'b'));
    const viaBundle = await run('node', [bundle, '--help']);
    const viaTsx = await run('node', ['bin/graft.mjs', '--help'], { env: { ...process.env, GRAFT_TSX: '1' } });
    expect(viaBundle.stdout).toBe(viaTsx.stdout);
    expect(viaBundle.stdout).toMatch(/^usage: graft/);
  });

  it('ends without a stack trace when its reader closes the pipe early (`graft inspect … | head`)', async () => {
    const bundle: string = await buildBundle(join(dir, 'b'));
    // 5,000 variables: a listing far larger than a pipe's buffer, so writes go on after the reader has gone.
    const tensors = Array.from({ length: 5000 }, (_, i) => ({ name: `block_${i}/dense/kernel`, dtype: 'float32' as const, shape: [1], bytes: new Uint8Array(4) }));
    const { index, shards } = writeTfBundle(tensors);
    writeFileSync(join(tmp, 'big.ckpt.index'), index);
    writeFileSync(join(tmp, 'big.ckpt.data-00000-of-00001'), shards[0]!);
    const child = spawn('node', [bundle, 'inspect', join(tmp, 'big.ckpt')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    expect(code).toBe(0);
  });
});
