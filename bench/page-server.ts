// The built page served for benchmarks: `vite build` into its own folder, `vite preview` on a free port, Debian's
// Chromium driven by Playwright (as playwright.config.ts: Playwright's own browser download does not work here).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from '@playwright/test';

// Its own folder per person when GRAFT_BENCH_DIST says so: several people run benches at once on this machine.
const DIST = process.env.GRAFT_BENCH_DIST ?? join(resolve('bench/.cache'), 'page-dist');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'];

export const freePort = () =>
  new Promise<number>((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });

export async function waitForServer(url: string, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not answer at ${url}`);
}

export interface ServedPage {
  url: string;
  browser: Browser;
  /** The browser's process id, for memory sampling (0 where Playwright does not say). */
  browserPid: number;
  close(): Promise<void>;
}

/** Builds the page, serves it and starts Chromium; `close` stops both. */
export async function servePage(): Promise<ServedPage> {
  const build = spawnSync('npx', ['vite', 'build', '--outDir', DIST, '--emptyOutDir', '--logLevel', 'error'], { encoding: 'utf8', stdio: 'inherit' });
  if (build.status !== 0) throw new Error('vite build failed');
  const port = await freePort();
  const server = spawn('npx', ['vite', 'preview', '--outDir', DIST, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
  const stopServer = () => {
    try {
      if (server.pid) process.kill(-server.pid);
    } catch {
      // already gone: the error that brought us here is the one to report
    }
  };
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForServer(url, server);
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const browserPid = (browser as unknown as { process?: () => ChildProcess }).process?.()?.pid ?? 0;
    return {
      url,
      browser,
      browserPid,
      async close() {
        try {
          await browser.close();
        } finally {
          stopServer();
        }
      },
    };
  } catch (e) {
    stopServer();
    throw e;
  }
}
