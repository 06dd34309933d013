import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setH5Watchdog, watched } from '../core/formats/keras-h5/watchdog';
import { createH5Watchdog, type CliH5Watchdog } from './h5-watchdog';

/** Blocks this thread as a loop inside WebAssembly would. */
const spin = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
};

let dog: CliH5Watchdog | undefined;
afterEach(async () => {
  setH5Watchdog(null);
  await dog?.stop();
});

describe('the CLI HDF5 watchdog', () => {
  it('sees HDF5 work that blocks the thread past the limit, from its own thread, and not work that ends in time', async () => {
    const fired: string[] = [];
    dog = createH5Watchdog({ limitMs: 300, onTimeout: (f) => fired.push(f) });
    setH5Watchdog(dog);
    watched('quick.h5', () => spin(50));
    await new Promise((r) => setTimeout(r, 500));
    expect(fired).toEqual([]);
    watched('stuck.h5', () => spin(1500));
    await new Promise((r) => setTimeout(r, 100));
    expect(fired).toEqual(['stuck.h5']);
  });

  it('ends the process with the sentence on stderr when HDF5 never returns', async () => {
    const script = `
      const { createH5Watchdog } = await import(${JSON.stringify(resolve('src/cli/h5-watchdog.ts'))});
      const { setH5Watchdog, watched } = await import(${JSON.stringify(resolve('src/core/formats/keras-h5/watchdog.ts'))});
      setH5Watchdog(createH5Watchdog({ limitMs: 500, exit: true }));
      watched('damaged.h5', () => { for (;;); });`;
    const t0 = Date.now();
    const got = await new Promise<{ signal: string | null; stderr: string }>((done) => {
      execFile('node', ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 60_000 }, (e, _out, stderr) => done({ signal: (e as { signal?: string } | null)?.signal ?? null, stderr }));
    });
    expect(got.signal).toBe('SIGKILL');
    expect(got.stderr).toContain('graft: damaged.h5: reading took longer than 0.5 s inside the HDF5 library and was stopped; the file is probably damaged');
    expect(Date.now() - t0).toBeLessThan(55_000);
  }, 60_000);
});
