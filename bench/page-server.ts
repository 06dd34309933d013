// The built page served for benchmarks: `vite build` into its own folder, `vite preview` on a free port, Debian's
// Chromium driven by Playwright (as playwright.config.ts: Playwright's own browser download does not work here).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext } from '@playwright/test';

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

/** Builds the page and serves it with `vite preview`; `stop` ends the server. */
async function buildAndServe(): Promise<{ url: string; stop: () => void }> {
  const build = spawnSync('npx', ['vite', 'build', '--outDir', DIST, '--emptyOutDir', '--logLevel', 'error'], { encoding: 'utf8', stdio: 'inherit' });
  if (build.status !== 0) throw new Error('vite build failed');
  const port = await freePort();
  const server = spawn('npx', ['vite', 'preview', '--outDir', DIST, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
  const stop = () => {
    try {
      if (server.pid) process.kill(-server.pid);
    } catch {
      // already gone: the error that brought us here is the one to report
    }
  };
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForServer(url, server);
  } catch (e) {
    stop();
    throw e;
  }
  return { url, stop };
}

/** Builds the page, serves it and starts Chromium; `close` stops both. Contexts made from `browser` are incognito. */
export async function servePage(): Promise<ServedPage> {
  const { url, stop } = await buildAndServe();
  try {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const browserPid = chromiumChildPid();
    return {
      url,
      browser,
      browserPid,
      async close() {
        try {
          await browser.close();
        } finally {
          stop();
        }
      },
    };
  } catch (e) {
    stop();
    throw e;
  }
}

export interface ServedProfile {
  url: string;
  /** The one context of a browser profile on disk, as a person's own browser (blob store and OPFS on disk). */
  context: BrowserContext;
  browserPid: number;
  close(): Promise<void>;
}

/**
 * The Chromium this process started (its child with no --type); 0 when none. Playwright's `Browser` has no
 * `process()` (only a BrowserServer does), so the pid is found here.
 */
export function chromiumChildPid(): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1]);
      if (ppid !== process.pid) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (/chrom/.test(args[0] ?? '') && !args.some((a) => a.startsWith('--type='))) return Number(entry);
    } catch {
      // gone
    }
  }
  return 0;
}

/**
 * As `servePage`, in a browser profile kept in `profileDir`: not incognito, so the blob store spills to disk past its
 * memory limit and the origin private file system is on disk, as in a person's browser (incognito keeps both in RAM).
 */
export async function servePageWithProfile(profileDir: string): Promise<ServedProfile> {
  const { url, stop } = await buildAndServe();
  try {
    const context = await chromium.launchPersistentContext(profileDir, { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, acceptDownloads: true });
    const browserPid = chromiumChildPid();
    return {
      url,
      context,
      browserPid,
      async close() {
        try {
          await context.close();
        } finally {
          stop();
        }
      },
    };
  } catch (e) {
    stop();
    throw e;
  }
}
