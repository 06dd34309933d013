// Generated code is inert: every string Graft took from a file (variable names, dtypes, initializer configs, the
// model's label, the paths it read and wrote) ends up inside a Python string literal, whatever quotes, newlines,
// backslashes or code it carries. Python's own parser is the judge: the script is parsed with `ast`, and every
// occurrence of a marker planted in those strings must lie inside a str constant.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OutputFormat } from '../formats/writers';
import { isGraftError } from '../errors';
import { compile, emptyRecipe, type Link } from '../mapping';
import type { TensorInfo } from '../model/checkpoint';
import type { DType } from '../model/dtypes';
import type { TargetModel, TargetVariable } from '../model/target-model';
import { pythonScript } from './python';

const VENV = `${process.cwd()}/.venv-real/bin/python`;
function findPython(): string | null {
  for (const p of [VENV, 'python3']) if (spawnSync(p, ['--version']).status === 0) return p;
  return null;
}
const PYTHON = existsSync(VENV) ? VENV : findPython();

const MARK = 'XMARKX';
/** A string built to end or bend every kind of Python literal, comment and docstring it could land in. */
const hostile = (tag: string) =>
  `${MARK}${tag}"""'''"'\\"\n\r\t\0\u2028\u0085 \\N{BULLET} \\x41 C:\\Users\\new\\ # c\n__import__('os').system('echo pwned') #{} %s $1 \\`;

const CHECK = String.raw`
import ast, json, sys
src = sys.stdin.buffer.read()
expected = json.loads(sys.argv[1])
mark = sys.argv[2].encode()
tree = ast.parse(src)
starts = [0]
for i, b in enumerate(src):
    if b == 10:
        starts.append(i + 1)
spans = []
values = set()
for node in ast.walk(tree):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        spans.append((starts[node.lineno - 1] + node.col_offset, starts[node.end_lineno - 1] + node.end_col_offset))
        values.add(node.value)
    if isinstance(node, ast.Name) and node.id == "__import__":
        print(json.dumps({"error": "__import__ is a name in the code at line %d" % node.lineno}))
        sys.exit(0)
outside, found, at = [], 0, src.find(mark)
while at >= 0:
    found += 1
    if not any(a <= at and at + len(mark) <= b for a, b in spans):
        line = src.count(b"\n", 0, at) + 1
        outside.append("line %d: %s" % (line, src.split(b"\n")[line - 1][:120].decode("utf-8", "replace")))
    at = src.find(mark, at + 1)
inside = [s for s in expected if any(s in v for v in values)]
print(json.dumps({"found": found, "outside": outside[:5], "missing": [s for s in expected if s not in inside], "cr": src.count(b"\r"), "nul": src.count(b"\0")}))
`;

function parsed(script: string, expected: string[]): { found: number; outside: string[]; missing: string[]; cr: number; nul: number; error?: string } {
  const r = spawnSync(PYTHON!, ['-c', CHECK, JSON.stringify(expected), MARK], { input: Buffer.from(script, 'utf8'), encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`python could not parse the script: ${r.stderr.split('\n').slice(-4).join(' ')}`);
  return JSON.parse(r.stdout) as ReturnType<typeof parsed>;
}

const info = (name: string, shape: number[], dtype: DType = 'float32'): TensorInfo => ({ name, shape, dtype, byteLength: 0, kind: 'weight', group: '' });

function hostileCase(format: OutputFormat, withDtype: boolean) {
  const oldA = hostile('old-a');
  const oldB = hostile('old-b');
  const newA = `dense/${hostile('new-a')}/kernel`;
  const newB = `dense/${hostile('new-b')}/kernel`;
  const newC = `head/${hostile('new-c')}/bias`;
  const config = { [hostile('config-key')]: hostile('config-value'), seed: null, nested: [{ mode: hostile('nested') }] };
  const dtype = (withDtype ? hostile('dtype') : 'float32') as DType;
  const variables: TargetVariable[] = [
    { ...info(newA, [2, 3]), layer: 'dense', weightIndex: 0, initializer: { kind: 'keras', className: hostile('class'), config } },
    { ...info(newB, [3, 2]), layer: 'dense', weightIndex: 1, initializer: { kind: 'keras', className: 'GlorotUniform', config } },
    { ...info(newC, [4], dtype), layer: 'head', weightIndex: 0, initializer: { kind: 'keras', className: hostile('class-c'), config } },
  ];
  const target: TargetModel = { source: 'keras-json', label: hostile('label'), variables, warnings: [], defaultValue: async () => new Uint8Array() };
  const old = [info(oldA, [2, 3]), info(oldB, [2, 3])];
  const links: Link[] = [{ from: [oldA], to: newA, transforms: [] }, { from: [oldB], to: newB, transforms: [{ op: 'transpose', perm: [1, 0] }] }];
  const recipe = emptyRecipe({ links, seed: 3 });
  const plan = compile(recipe, { tensors: old }, target);
  expect(plan.entries.map((e) => e.status)).toEqual(['exact', 'transformed', 'initialised']);
  const paths = { oldPath: `C:\\Users\\${hostile('old-path')}`, newPath: hostile('new-path'), outPath: `C:\\out\\${hostile('out-path')}` };
  return { recipe, plan, target, old, opts: { format, ...paths }, names: [oldA, oldB, newA, newB, newC, ...(withDtype ? [dtype] : [])] };
}

const FORMATS: OutputFormat[] = ['safetensors', 'tf', 'tfjs', 'keras', 'keras-legacy', 'pytorch'];

describe('the generated Python script is inert', () => {
  it.skipIf(!PYTHON)(`keeps every file-derived string inside a string literal, for every output format (${PYTHON ? `checked with ${PYTHON}` : 'SKIPPED: no python3 on this machine'})`, async () => {
    for (const format of FORMATS) {
      for (const withDtype of format === 'safetensors' ? [false, true] : [false]) {
        const c = hostileCase(format, withDtype);
        const text = await pythonScript(c.recipe, c.plan, c.target, c.old, c.opts);
        const r = parsed(text, c.names);
        expect(r.error, format).toBeUndefined();
        expect(r.outside, format).toEqual([]);
        expect(r.missing, `${format}: names that are no string constant's value`).toEqual([]);
        expect(r.nul + r.cr, format).toBe(0);
        // label, three paths, five names, configs and classes: the marker is really there to be found.
        expect(r.found, format).toBeGreaterThanOrEqual(12);
      }
    }
  });

  it('refuses a shape that is not whole numbers instead of writing it into the code', async () => {
    const c = hostileCase('safetensors', false);
    const shape = [4, `1) or __import__('os').system('x') or (${MARK}`] as unknown as number[];
    const target: TargetModel = { ...c.target, variables: c.target.variables.map((v, i) => (i === 2 ? { ...v, shape } : v)) };
    const plan = compile(c.recipe, { tensors: c.old }, target);
    const e = await pythonScript(c.recipe, plan, target, c.old, c.opts).then(() => null, (err: unknown) => err);
    expect(isGraftError(e)).toBe(true);
    expect((e as Error).message).toMatch(/^a shape or axis list holds "1\) or __import__.*not a whole number; the script cannot be written/);
  });
});
