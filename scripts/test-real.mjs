#!/usr/bin/env node
// `npm run test:real`: the real libraries judge Graft's exports. Creates (once) a Python venv with TensorFlow,
// Keras, torch, safetensors and h5py in .venv-real/, makes the scenarios with them (scripts/real/scenarios.py),
// runs `graft match` + `graft apply` for every scenario in every format its new model can use (and the generated
// Python script), exports one scenario through the page in Chromium, then loads every output in its real consumer
// (scripts/real/check.py; TF.js in Node: scripts/real/check-tfjs.ts). Prints the scenario × format table and
// `N passed, N failed`.
//   npm run test:real [-- SCENARIO ...]      only these scenarios (the page export runs when its scenario is among them)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const VENV = '.venv-real';
const PYTHON = join(VENV, 'bin', 'python');
const PACKAGES = ['tensorflow-cpu', 'keras', 'torch', 'safetensors', 'h5py', 'numpy'];
// GRAFT_REAL_WORK: another work folder, so that two runs on one machine do not delete each other's files.
const WORK = process.env.GRAFT_REAL_WORK ?? join('.real', 'work');
const OUT_NAMES = { tf: 'merged.ckpt', keras: 'merged.weights.h5', 'keras-legacy': 'merged.h5', safetensors: 'merged.safetensors', tfjs: '', pytorch: 'merged.pt' };
export const PAGE_SCENARIO = 'keras-dense-widened';

const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', PYTHONUNBUFFERED: '1' };
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 64 << 20, ...opts });
const step = (title, cmd, args) => {
  console.log(`\n$ ${[cmd, ...args].join(' ')}   # ${title}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) {
    console.log(`test:real: ${title} failed (exit ${r.status ?? r.signal})`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
};

function ensureVenv() {
  const marker = join(VENV, '.graft-packages');
  if (existsSync(PYTHON) && existsSync(marker) && readFileSync(marker, 'utf8') === PACKAGES.join(' ')) return;
  step('create the Python venv', 'python3', ['-m', 'venv', VENV]);
  // --retries 0: on these machines pip otherwise keeps retrying an index it cannot reach.
  step('install the real libraries', PYTHON, ['-m', 'pip', 'install', '--quiet', '--retries', '0', '--disable-pip-version-check', ...PACKAGES]);
  writeFileSync(marker, PACKAGES.join(' '));
}

const graft = (args) => run('node', ['bin/graft.mjs', ...args]);

/** match → recipe, then apply in every format (with the Python script); returns one row per format. */
function exportScenario(name) {
  const dir = join(WORK, name);
  const s = JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8'));
  const old = join(dir, s.old);
  const neu = join(dir, s.graft_new ?? s.new);
  const rows = [];
  const matched = graft(['match', old, neu, '--json', '--out', join(dir, 'recipe.json'), ...s.match_args]);
  writeFileSync(join(dir, 'match.jsonl'), matched.stdout);
  if (matched.status !== 0) {
    return s.formats.map((format) => ({ scenario: name, format, check: 'graft apply', ok: false, detail: `graft match failed: ${matched.stderr.trim()}` }));
  }
  for (const format of s.formats) {
    const folder = join(dir, 'out', format);
    const pyFolder = join(dir, 'out', `${format}-py`);
    rmSync(folder, { recursive: true, force: true });
    rmSync(pyFolder, { recursive: true, force: true });
    mkdirSync(pyFolder, { recursive: true });
    if (format !== 'tfjs') mkdirSync(folder, { recursive: true });
    const out = join(folder, OUT_NAMES[format]);
    const script = join(pyFolder, 'reproduce.py');
    // apply_args: {format: [extra graft apply arguments]} (e.g. --max-shard-size).
    const applied = graft(['apply', old, neu, '--recipe', join(dir, 'recipe.json'), '--format', format, '--out', out, '--python', script, ...(s.apply_args?.[format] ?? [])]);
    writeFileSync(join(dir, `apply-${format}.log`), `${applied.stdout}\n${applied.stderr}`);
    const refusal = s.refuse?.[format];
    if (refusal) {
      const said = applied.stderr.trim().split('\n').at(-1) ?? '';
      const ok = applied.status !== 0 && said.includes(refusal) && !existsSync(join(folder, 'model.json'));
      rows.push({ scenario: name, format, check: `graft refuses it (${refusal})`, ok, detail: ok ? said : `exit ${applied.status}: ${said}` });
      continue;
    }
    rows.push({ scenario: name, format, check: 'graft apply', ok: applied.status === 0, detail: applied.status === 0 ? applied.stdout.trim().split('\n').at(-1) : applied.stderr.trim() });
    if (applied.status !== 0) continue;
    // The script takes the template only where Graft used the new model's checkpoint as one.
    const template = /^NEEDS_TEMPLATE = True$/m.test(readFileSync(script, 'utf8')) ? [neu] : [];
    const py = run(PYTHON, [script, old, ...template, join(pyFolder, OUT_NAMES[format])]);
    writeFileSync(join(pyFolder, 'run.log'), `${py.stdout}\n${py.stderr}`);
    rows.push({ scenario: name, format, check: 'python script runs', ok: py.status === 0, detail: py.status === 0 ? '' : py.stderr.trim().split('\n').slice(-3).join(' | ') });
  }
  return rows;
}

/**
 * A listing scenario (`listing` in scenario.json): every file its expected.jsonl names, listed by `graft inspect --json
 * --sha256`, must hold exactly those rows (name, dtype, shape, kind, sha256), in order; each file of `refuse_listing`
 * must be refused with a sentence containing its text.
 */
function listScenario(name, s) {
  const dir = join(WORK, name);
  const want = readRows(join(dir, s.listing));
  const rows = [];
  for (const file of [...new Set(want.map((r) => r.file))]) {
    const listed = graft(['inspect', join(dir, file), '--json', '--sha256']);
    const mine = want.filter((r) => r.file === file).map(({ file: _, ...r }) => JSON.stringify(r));
    const got = listed.status === 0 ? readLines(listed.stdout).map(({ name: n, dtype, shape, kind, sha256 }) => JSON.stringify({ name: n, dtype, shape, kind, sha256 })) : [];
    const bad = got.length !== mine.length ? `${got.length} rows listed, torch wrote ${mine.length}` : mine.findIndex((r, i) => r !== got[i]);
    const ok = listed.status === 0 && bad === -1;
    const detail = listed.status !== 0 ? listed.stderr.trim() : ok ? `${got.length} tensors` : typeof bad === 'string' ? bad : `row ${bad + 1}: listed ${got[bad]}, torch wrote ${mine[bad]}`;
    rows.push({ scenario: name, format: 'inspect', check: `${file} listed exactly`, ok, detail });
  }
  for (const [file, text] of Object.entries(s.refuse_listing ?? {})) {
    const listed = graft(['inspect', join(dir, file), '--json']);
    const said = listed.stderr.trim().split('\n').at(-1) ?? '';
    rows.push({ scenario: name, format: 'inspect', check: `${file} refused (${text})`, ok: listed.status !== 0 && said.includes(text), detail: said });
  }
  return rows;
}

function readLines(text) {
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

function readRows(path) {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/** Scenario × format: how many of each cell's checks passed (the page's exports share one column). */
function table(rows) {
  const column = (r) => (r.format.startsWith('page') ? 'page' : r.format);
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  const formats = [...new Set(rows.map(column))];
  const cell = (s, f) => {
    const mine = rows.filter((r) => r.scenario === s && column(r) === f);
    if (!mine.length) return '·';
    const bad = mine.filter((r) => !r.ok).length;
    return bad ? `FAIL ${bad}/${mine.length}` : `ok ${mine.length}`;
  };
  const width = Math.max(...scenarios.map((s) => s.length), 8);
  console.log(`\n${'scenario'.padEnd(width)}  ${formats.map((f) => f.padEnd(13)).join(' ')}`);
  for (const s of scenarios) console.log(`${s.padEnd(width)}  ${formats.map((f) => cell(s, f).padEnd(13)).join(' ')}`);
}

const started = performance.now();
const only = process.argv.slice(2);
step('install what is missing', 'node', ['scripts/setup.mjs', '--browser']);
ensureVenv();
rmSync(WORK, { recursive: true, force: true });
step('make the scenarios with the real libraries', PYTHON, ['scripts/real/scenarios.py', WORK, ...only]);
const names = JSON.parse(readFileSync(join(WORK, 'scenarios.json'), 'utf8'));
if (!names.length) {
  console.log('test:real: no scenario was made');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const rows = [];
for (const name of names) {
  const s = JSON.parse(readFileSync(join(WORK, name, 'scenario.json'), 'utf8'));
  const mine = s.listing ? listScenario(name, s) : exportScenario(name);
  rows.push(...mine);
  console.log(`${name}: ${mine.filter((r) => r.ok).length}/${mine.length} exports written`);
}
if (names.includes(PAGE_SCENARIO)) {
  step('build the page', 'npx', ['vite', 'build', '--logLevel', 'warn']);
  const page = run('npx', ['playwright', 'test', '-c', 'e2e/real/playwright.config.ts'], { stdio: 'inherit' });
  rows.push({ scenario: PAGE_SCENARIO, format: 'page', check: 'page export (Playwright)', ok: page.status === 0, detail: page.status === 0 ? '' : 'see the Playwright output above' });
}
const checked = run(PYTHON, ['scripts/real/check.py', WORK], { stdio: ['ignore', 'inherit', 'inherit'] });
if (checked.status !== 0) rows.push({ scenario: '(all)', format: '-', check: 'check.py', ok: false, detail: `exit ${checked.status}` });
rows.push(...readRows(join(WORK, 'check.jsonl')));
const tfjs = run('node', ['node_modules/.bin/tsx', 'scripts/real/check-tfjs.ts', WORK], { stdio: ['ignore', 'inherit', 'inherit'] });
if (tfjs.status !== 0) rows.push({ scenario: '(all)', format: 'tfjs', check: 'check-tfjs.ts', ok: false, detail: `exit ${tfjs.status}` });
rows.push(...readRows(join(WORK, 'check-tfjs.jsonl')));

writeFileSync(join(WORK, 'results.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
table(rows);
const failed = rows.filter((r) => !r.ok);
if (failed.length) {
  console.log('\nfailures:');
  for (const r of failed) console.log(`  ${r.scenario} · ${r.format} · ${r.check}: ${r.detail}`);
}
console.log(`\ntest:real took ${((performance.now() - started) / 1000).toFixed(0)} s; every row: ${WORK}/results.jsonl`);
console.log(`${rows.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
