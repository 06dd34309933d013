/**
 * Child processes that run fuzz inputs with a time and memory limit: a child that passes the time limit is killed
 * (a hang), one that dies or grows past the hard memory cap is killed and restarted, and the input is charged.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './corpus';
import type { Outcome, Result } from './child';
import type { Input } from './targets';

export interface PoolOptions {
  workers: number;
  /** Per input. */
  timeoutMs: number;
  /** A child whose resident memory passes this is killed (over-allocation). */
  hardBytes: number;
}

export interface Finished extends Result {
  input: Input;
}

interface Worker {
  proc: ChildProcess;
  ready: Promise<void>;
  stderr: string;
  python: boolean;
  pending?: { id: number; input: Input; done: (r: Finished) => void; timer: NodeJS.Timeout; start: number };
}

const CHILD = join(REPO, 'fuzz/child.ts');

function rss(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export class Pool {
  private workers: Worker[] = [];
  private nextId = 1;
  private watchdog: NodeJS.Timeout;
  /** Errors reported by a child after its input had finished (work left running). */
  readonly late: { input: Input; stack: string }[] = [];
  private recent = new Map<number, Input>();
  pythonChecked = true;
  private closing = false;

  constructor(private opts: PoolOptions) {
    for (let i = 0; i < opts.workers; i++) this.workers.push(this.spawn());
    this.watchdog = setInterval(() => {
      for (const w of this.workers) if (w.pending && rss(w.proc.pid) > opts.hardBytes) this.fail(w, 'over-allocation', `resident memory passed ${(opts.hardBytes / 2 ** 20).toFixed(0)} MB; the child was killed`);
    }, 100);
  }

  private spawn(): Worker {
    const proc = fork(CHILD, [], {
      cwd: REPO,
      execArgv: ['--import', 'tsx', `--max-old-space-size=${Math.ceil(this.opts.hardBytes / 2 ** 20)}`, '--expose-gc'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const w: Worker = { proc, stderr: '', python: true, ready: Promise.resolve() };
    w.ready = new Promise((resolve, reject) => {
      proc.on('message', (m: Record<string, unknown>) => {
        if (m.ready) {
          w.python = m.python === true;
          this.pythonChecked &&= w.python;
          resolve();
        } else if (typeof m.late === 'string') {
          const input = this.recent.get(m.id as number);
          if (input) this.late.push({ input, stack: m.late });
        } else if (w.pending && m.id === w.pending.id) this.settle(w, m as unknown as Result);
      });
      proc.on('exit', (code, signal) => {
        if (w.pending) this.fail(w, /out of memory|Allocation failed/i.test(w.stderr) ? 'over-allocation' : 'crash', `the child died (${signal ?? `exit ${code}`}): ${w.stderr.slice(-600)}`);
        else if (!this.closing && this.workers.includes(w)) this.workers[this.workers.indexOf(w)] = this.spawn();
        reject(new Error(`fuzz child exited before it was ready: ${w.stderr.slice(-2000)}`));
      });
    });
    w.ready.catch(() => undefined);
    proc.stderr!.on('data', (d: Buffer) => (w.stderr = (w.stderr + d.toString()).slice(-8000)));
    return w;
  }

  private settle(w: Worker, r: Result): void {
    const p = w.pending!;
    clearTimeout(p.timer);
    w.pending = undefined;
    p.done({ ...r, input: p.input });
  }

  /** Charges the running input with `outcome`, kills the child and starts a fresh one in its place. */
  private fail(w: Worker, outcome: Outcome, message: string): void {
    const p = w.pending;
    if (!p) return;
    w.pending = undefined;
    clearTimeout(p.timer);
    w.proc.removeAllListeners('exit');
    w.proc.kill('SIGKILL');
    const fresh = this.spawn();
    this.workers[this.workers.indexOf(w)] = fresh;
    const name = outcome === 'hang' ? 'Hang' : outcome === 'over-allocation' ? 'OverAllocation' : 'ChildDied';
    p.done({ id: p.id, outcome, error: { name, message, stack: '' }, ms: performance.now() - p.start, grew: 0, limit: 0, input: p.input });
  }

  /** Runs `next()`'s inputs until it returns null, `workers` at a time; `onResult` sees each outcome. */
  async run(next: () => Input | null, onResult: (r: Finished) => void): Promise<void> {
    const lane = async (slot: number): Promise<void> => {
      for (;;) {
        const w = this.workers[slot]!;
        await w.ready;
        const input = next();
        if (!input) return;
        const id = this.nextId++;
        this.recent.set(id, input);
        if (this.recent.size > 64) this.recent.delete(this.recent.keys().next().value!);
        const r = await new Promise<Finished>((done) => {
          const start = performance.now();
          const timer = setTimeout(() => this.fail(w, 'hang', `no answer within ${this.opts.timeoutMs} ms; the child was killed`), this.opts.timeoutMs);
          w.pending = { id, input, done, timer, start };
          w.proc.send({ id, input });
        });
        onResult(r);
      }
    };
    await Promise.all(this.workers.map((_, i) => lane(i)));
  }

  close(): void {
    this.closing = true;
    clearInterval(this.watchdog);
    for (const w of this.workers) {
      w.proc.removeAllListeners('exit');
      w.proc.kill('SIGKILL');
    }
  }
}
