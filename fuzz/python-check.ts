/**
 * Whether a generated Python script is inert: it parses (`ast.parse`), and the marker the hostile names carry
 * (`graftpwn`) appears in no identifier, attribute, import or keyword, only inside string literals and comments.
 * One Python process per fuzz child, fed scripts one by one.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

const CHECK = `
import ast, json, sys
for line in sys.stdin:
    src = json.loads(line)
    try:
        tree = ast.parse(src)
        bad = []
        for n in ast.walk(tree):
            names = []
            if isinstance(n, ast.Name): names = [n.id]
            elif isinstance(n, ast.Attribute): names = [n.attr]
            elif isinstance(n, (ast.FunctionDef, ast.ClassDef)): names = [n.name]
            elif isinstance(n, ast.alias): names = [n.name, n.asname or '']
            elif isinstance(n, ast.keyword): names = [n.arg or '']
            elif isinstance(n, ast.ImportFrom): names = [n.module or '']
            bad += [x for x in names if 'graftpwn' in x]
        print(json.dumps({'ok': not bad, 'error': 'file-derived text runs as code: ' + ', '.join(bad[:3]) if bad else ''}), flush=True)
    except SyntaxError as e:
        print(json.dumps({'ok': False, 'error': 'SyntaxError: %s at line %s' % (e.msg, e.lineno)}), flush=True)
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
