// One command timed as the CLI benches time it: wall seconds, and CPU seconds (user + sys) and peak RSS from GNU
// time where /usr/bin/time is there. Measures only.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const MiB = 1 << 20;

export interface Measured {
  seconds: number;
  /** User + system CPU seconds, and peak RSS in MiB, when GNU time is there. */
  cpu: number | null;
  peakMiB: number | null;
  ok: boolean;
  stdout: string;
  stderr: string;
}

export function measure(cmd: string[]): Measured {
  // No dirty pages from the step before, so its writes are not charged to this one.
  spawnSync('sync');
  const start = performance.now();
  const r = TIME
    ? spawnSync(TIME, ['-f', 'TIME %U %S %M', ...cmd], { encoding: 'utf8', maxBuffer: 512 * MiB })
    : spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', maxBuffer: 512 * MiB });
  const seconds = (performance.now() - start) / 1000;
  // GNU time writes its line last on stderr, after the command's own.
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [, user, sys, kb] = last.startsWith('TIME ') ? last.split(' ').map(Number) : [];
  if (r.status !== 0) console.error(`${cmd.join(' ')} failed:\n${r.stderr.slice(-2000)}`);
  const known = (n: number | undefined): n is number => n !== undefined && Number.isFinite(n);
  return {
    seconds,
    cpu: known(user) && known(sys) ? user + sys : null,
    peakMiB: known(kb) ? kb / 1024 : null,
    ok: r.status === 0,
    stdout: r.stdout,
    stderr: r.stderr,
  };
}

/** The middle item by `value`: of an even count, the lower of the two middle ones. */
export function medianBy<T>(xs: readonly T[], value: (x: T) => number): T {
  if (xs.length === 0) throw new Error('median of nothing');
  return [...xs].sort((a, b) => value(a) - value(b))[Math.floor((xs.length - 1) / 2)]!;
}

/** The middle number: of an even count, the lower of the two middle ones. */
export const median = (xs: readonly number[]): number => medianBy(xs, (x) => x);
