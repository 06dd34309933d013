// The page with 5,000 variables in the old slot (e2e/make-large.ts): how long the list takes to show after the
// files are picked, and how long a filter takes to narrow it to one row, in Debian's Chromium. e2e/large.spec.ts
// checks that it works (only the rows in view drawn, the filter finds the row, the last row reachable); this
// measures. Measures only; never asserts a time.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { median } from './measure';
import { servePage } from './page-server';

const ROUNDS = Number(process.env.LIST_BENCH_ROUNDS ?? 3);
const DIR = resolve('bench/.cache/large-list');
execFileSync(join('node_modules', '.bin', 'tsx'), ['e2e/make-large.ts', DIR], { stdio: 'inherit' });
const files = ['big.ckpt.index', 'big.ckpt.data-00000-of-00001'].map((f) => join(DIR, f));

const shown: number[] = [];
const filtered: number[] = [];
const served = await servePage();
try {
  for (let round = 0; round < ROUNDS; round++) {
    const context = await served.browser.newContext();
    const page = await context.newPage();
    await page.route('**/examples/manifest.json', (r) => r.fulfill({ status: 404, body: 'no example' }));
    await page.goto(served.url);
    let started = performance.now();
    await page.getByTestId('replace-old-input').setInputFiles(files);
    await page.getByTestId('list-old').getByTestId('totals').filter({ hasText: '5,000 variables' }).waitFor({ timeout: 60_000 });
    shown.push(performance.now() - started);
    started = performance.now();
    await page.getByTestId('list-old').getByTestId('filter').fill('block_077/layer_33/');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="variable-row"]').length === 1, undefined, { timeout: 60_000 });
    filtered.push(performance.now() - started);
    await context.close();
  }
} finally {
  await served.close();
}
const ms = (xs: number[]) => `${median(xs).toFixed(0)} (${xs.map((x) => x.toFixed(0)).join(', ')})`;
console.log(`\n| step | median ms (of ${ROUNDS}) |\n|---|---:|`);
console.log(`| files picked → list of 5,000 shown | ${ms(shown)} |`);
console.log(`| filter typed → one row left | ${ms(filtered)} |`);
