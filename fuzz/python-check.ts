/**
 * Whether a generated Python script is inert: it parses (`compile`), and the marker the hostile names carry
 * (`graftpwn`) appears in no identifier, attribute, import or function, only inside string literals and comments.
 * One Python process per fuzz child, fed scripts one by one.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

// compile() rather than ast.parse: it is the same syntax check at a third of the time, and its code objects list every
// identifier a script uses (names, attributes, imports, functions, arguments).
const CHECK = `
import json, sys
def names(co):
    out = list(co.co_names) + list(co.co_varnames) + list(co.co_freevars) + list(co.co_cellvars) + [co.co_name]
    for c in co.co_consts:
        if hasattr(c, 'co_names'): out += names(c)
    return out
for line in sys.stdin:
    src = json.loads(line)
    try:
        bad = [x for x in names(compile(src, 'script.py', 'exec', dont_inherit=True)) if 'graftpwn' in x]
        print(json.dumps({'ok': not bad, 'error': 'file-derived text runs as code: ' + ', '.join(bad[:3]) if bad else ''}), flush=True)
    except (SyntaxError, ValueError) as e:
        print(json.dumps({'ok': False, 'error': '%s: %s at line %s' % (type(e).__name__, getattr(e, 'msg', e), getattr(e, 'lineno', '?'))}), flush=True)
`;

export interface PythonChecker {
  /** The Python process could not start or has exited: checks pass unchecked from then on. */
  readonly dead: boolean;
  check(script: string): Promise<{ ok: boolean; error: string }>;
  close(): void;
}

/** A checker, or null when no python3 is on the PATH (the scripts are then generated but not parsed). */
export function pythonChecker(): PythonChecker | null {
  let proc: ChildProcessWithoutNullStreams;
  try {
    proc = spawn(process.env.GRAFT_FUZZ_PYTHON ?? 'python3', ['-c', CHECK], { stdio: 'pipe' });
  } catch {
    return null;
  }
  let failed = false;
  proc.on('error', () => (failed = true));
  const waiting: ((r: { ok: boolean; error: string }) => void)[] = [];
  createInterface({ input: proc.stdout }).on('line', (line) => waiting.shift()?.(JSON.parse(line) as { ok: boolean; error: string }));
  proc.on('exit', () => {
    failed = true;
    for (const w of waiting.splice(0)) w({ ok: true, error: '' });
  });
  return {
    get dead() {
      return failed;
    },
    check(script) {
      if (failed) return Promise.resolve({ ok: true, error: '' });
      return new Promise((res) => {
        waiting.push(res);
        proc.stdin.write(`${JSON.stringify(script)}\n`);
      });
    },
    close() {
      proc.stdin.end();
      proc.kill();
    },
  };
}
