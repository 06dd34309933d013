import { describe, expect, it } from 'vitest';
import { graft } from './graft.test-util';

describe('graft <command> --help and argument errors', () => {
  it('prints the command’s usage for --help or -h and exits 0', async () => {
    for (const [command, option] of [['apply', '--max-shard-size'], ['match', '--accept'], ['inspect', '--sha256']] as const) {
      for (const help of ['--help', '-h']) {
        const r = await graft(command, help);
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`^graft ${command} `));
        expect(r.stdout).toContain(option);
      }
    }
  });

  it('names an unknown option as a usage error (exit 2), not an unexpected failure', async () => {
    const r = await graft('apply', 'old.ckpt', 'new.json', '--out', 'x', '--no-such-option');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^graft apply: Unknown option '--no-such-option'/);
    expect(r.stderr).toContain('graft apply OLD NEW');
    expect(r.stderr).not.toMatch(/Unexpected failure/);
  });
});
