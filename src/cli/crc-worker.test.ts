import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from '../core/engine/engine.test-util';
import { wasmCrc32c } from '../core/formats/tf-bundle/crc32c';
import { CrcWorker } from './crc-worker';

const dir = mkdtempSync(join(tmpdir(), 'graft-crc-worker-'));
const bytes = randomBytes(3 * (1 << 20) + 123, 5);
const path = join(dir, 'data.bin');
writeFileSync(path, bytes);
const worker = CrcWorker.start(createRequire(import.meta.url).resolve('@node-rs/crc32'));
afterAll(async () => {
  await worker.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('CrcWorker', () => {
  it('gives the CRC32C of file ranges across its 1 MiB pieces, several in flight', async () => {
    const ranges: [number, number][] = [[0, bytes.byteLength], [17, 2 * (1 << 20) + 5], [bytes.byteLength - 10, 10], [100, 0]];
    const got = await Promise.all(ranges.map(([o, n]) => worker.crc(path, o, n)));
    expect(got).toEqual(ranges.map(([o, n]) => wasmCrc32c(bytes.subarray(o, o + n))));
  });

  it('checksums only what the file still has past its end (a check then fails), and names a file it cannot read', async () => {
    expect(await worker.crc(path, bytes.byteLength - 4, 100)).toBe(wasmCrc32c(bytes.subarray(bytes.byteLength - 4)));
    await expect(worker.crc(join(dir, 'gone.bin'), 0, 10)).rejects.toMatchObject({ code: 'corrupt', file: join(dir, 'gone.bin') });
  });

  it('never keeps the process alive by itself: one started ahead of any check lets the process end', async () => {
    const script = `
      const { createRequire } = await import('node:module');
      const { CrcWorker } = await import(${JSON.stringify(resolve('src/cli/crc-worker.ts'))});
      CrcWorker.start(createRequire(import.meta.url).resolve('@node-rs/crc32'));`;
    const ended = await new Promise<{ code: number | null; signal: string | null }>((done) => {
      const child = execFile('node', ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 50_000 }, () => done({ code: child.exitCode, signal: child.signalCode }));
    });
    expect(ended).toEqual({ code: 0, signal: null });
  }, 60_000);
});
