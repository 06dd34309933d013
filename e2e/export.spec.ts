import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './helpers';
import type { Page } from '@playwright/test';
import { FIXTURES, expected, gotoWithoutExample } from './helpers';

const HOUSES = join(FIXTURES, 'tf1-saver-houseprices');
const DIABETES = join(FIXTURES, 'keras3-weights-h5-diabetes');
const houses = ['model.ckpt.index', 'model.ckpt.data-00000-of-00001'].map((f) => join(HOUSES, f));

interface ReadTensor {
  name: string;
  dtype: string;
  shape: number[];
  sha256: string;
}

/** The files read back with Graft's readers (tsx: the readers' CommonJS dependencies resolve as in the CLI). */
function readBack(...paths: string[]): ReadTensor[] {
  const out = execFileSync(join('node_modules', '.bin', 'tsx'), ['e2e/read-export.ts', ...paths], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as ReadTensor);
}

async function openPair(page: Page, old: string[], neu: string[]): Promise<void> {
  await gotoWithoutExample(page);
  await page.getByTestId('replace-old-input').setInputFiles(old);
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).not.toHaveText('', { timeout: 30_000 });
  await page.getByTestId('replace-new-input').setInputFiles(neu);
  await expect(page.getByTestId('export-open')).toBeEnabled({ timeout: 20_000 });
}

/** Exports in `format` through the panel and saves the download; returns its path and the panel. */
async function exportAs(page: Page, format: string, dir: string): Promise<{ path: string; name: string }> {
  const panel = page.getByTestId('export-panel');
  if (!(await panel.isVisible())) await page.getByTestId('export-open').click();
  await panel.getByTestId('export-format').selectOption(format);
  await panel.getByTestId('export-start').click();
  const link = panel.getByTestId('export-download');
  await expect(link).toBeVisible({ timeout: 30_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const name = download.suggestedFilename();
  const path = join(dir, name);
  await download.saveAs(path);
  return { path, name };
}

test('an identity export of a TF1 checkpoint: TF (zipped), safetensors; exact variables equal the source bytes', async ({ page }, info) => {
  test.slow(); // several exports, each read back through a tsx subprocess: minutes on a loaded 2-core machine
  await openPair(page, houses, houses);
  const source = expected('tf1-saver-houseprices').filter((e) => e.file === 'model.ckpt.index') as (ReturnType<typeof expected>[number] & { sha256: string })[];
  const sha = new Map(source.map((e) => [e.name, e.sha256]));
  await page.getByTestId('export-open').click();
  const panel = page.getByTestId('export-panel');
  const exact = Number(await panel.getByTestId('export-count-exact').getAttribute('data-count'));
  expect(exact).toBeGreaterThan(0);
  expect(Number(await panel.getByTestId('export-count-incompatible').getAttribute('data-count'))).toBe(0);

  // TF: a zip of the .index and .data; every variable of the template, exact ones bit for bit.
  const tf = await exportAs(page, 'tf', info.outputPath());
  expect(tf.name).toBe('merged-tf.zip');
  await expect(panel.getByTestId('export-files')).toContainText('merged.ckpt.index');
  const tfBack = readBack(tf.path);
  expect(tfBack.map((t) => t.name).sort()).toEqual(source.map((e) => e.name).sort());
  for (const t of tfBack) expect(t.shape).toEqual(source.find((e) => e.name === t.name)!.shape);
  const same = tfBack.filter((t) => t.sha256 === sha.get(t.name));
  expect(same.length).toBeGreaterThanOrEqual(exact);
  // Nothing needed arithmetic, so no TF.js backend was started for it: none named, and the result says so.
  await expect(panel.getByTestId('export-backend')).toHaveAttribute('data-backend', 'none');
  await expect(panel.getByTestId('export-backend')).toHaveAttribute('data-used', '');
  await expect(panel.getByTestId('export-backend')).toBeHidden();
  await expect(panel.getByTestId('export-arithmetic')).toContainText('not needed for this export: every value was copied or moved as bytes');

  // The recipe and the Python script download too.
  const [recipe] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('export-recipe').click()]);
  const recipeJson = JSON.parse(readFileSync((await recipe.path())!, 'utf8')) as { links: unknown[] };
  expect(Array.isArray(recipeJson.links)).toBe(true);
  const [python] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('export-python').click()]);
  expect(readFileSync((await python.path())!, 'utf8')).toContain('import tensorflow as tf');

  // safetensors: one file, the same names, shapes and exact bytes.
  const st = await exportAs(page, 'safetensors', info.outputPath());
  expect(st.name).toBe('merged.safetensors');
  const stBack = readBack(st.path);
  expect(stBack.map((t) => t.name).sort()).toEqual(tfBack.map((t) => t.name).sort());
  for (const t of stBack) expect(t.sha256).toBe(tfBack.find((x) => x.name === t.name)!.sha256);
});

test('a Keras 3 model exported as TF.js (zipped), Keras 3 and Keras 2 weights: every trained weight carried over', async ({ page }, info) => {
  test.slow(); // several exports, each read back through a tsx subprocess: minutes on a loaded 2-core machine
  await openPair(page, [join(DIABETES, 'model.weights.h5')], [join(DIABETES, 'model.json')]);
  const source = expected('keras3-weights-h5-diabetes') as (ReturnType<typeof expected>[number] & { sha256: string })[];
  const weights = source.filter((e) => e.name.startsWith('layers/'));
  const trained = new Set(weights.map((e) => e.sha256));
  await page.getByTestId('export-open').click();
  const panel = page.getByTestId('export-panel');
  await expect(panel.getByTestId('export-count-exact')).toHaveAttribute('data-count', '6');

  const check = (back: ReadTensor[], label: string) => {
    const kernels = back.filter((t) => trained.has(t.sha256));
    expect(kernels.length, `${label}: trained weights found`).toBe(6);
    expect(back.map((t) => t.shape).sort()).toEqual(weights.map((e) => e.shape).sort());
  };
  const tfjs = await exportAs(page, 'tfjs', info.outputPath());
  expect(tfjs.name).toBe('merged-tfjs.zip');
  const tfjsBack = readBack(tfjs.path);
  expect(tfjsBack.map((t) => t.name).sort()).toEqual(['dense/bias', 'dense/kernel', 'dense_1/bias', 'dense_1/kernel', 'dense_2/bias', 'dense_2/kernel']);
  check(tfjsBack, 'tfjs');

  const keras = await exportAs(page, 'keras', info.outputPath());
  expect(keras.name).toBe('merged.weights.h5');
  const kerasBack = readBack(keras.path);
  // Keras 3 layout: the same dataset paths as the source file, each with its source bytes.
  for (const e of weights) expect(kerasBack.find((t) => t.name === e.name)?.sha256, e.name).toBe(e.sha256);

  const legacy = await exportAs(page, 'keras-legacy', info.outputPath());
  expect(legacy.name).toBe('merged.h5');
  check(readBack(legacy.path), 'keras-legacy');
});

test('cancel mid-export leaves no download; the next export still works', async ({ page }, info) => {
  test.slow(); // a 400 MB checkpoint written, then exported twice: minutes on a loaded 2-core machine
  const dir = info.outputPath('big');
  // ~400 MB of float32 in 100 variables: slow enough to cancel on the way.
  execFileSync(join('node_modules', '.bin', 'tsx'), ['e2e/make-export-big.ts', dir], { stdio: 'inherit' });
  const big = ['big.ckpt.index', 'big.ckpt.data-00000-of-00001'].map((f) => join(dir, f));
  await openPair(page, big, big);
  await page.getByTestId('export-open').click();
  const panel = page.getByTestId('export-panel');
  await panel.getByTestId('export-format').selectOption('tf');
  await panel.getByTestId('export-start').click();
  const progress = panel.getByTestId('export-progress');
  await expect(progress).toBeVisible();
  await expect(panel.getByTestId('export-variables')).toBeVisible({ timeout: 20_000 });
  await panel.getByTestId('export-cancel').click();
  await expect(panel.getByTestId('export-cancelled')).toBeVisible({ timeout: 20_000 });
  await expect(panel).toHaveAttribute('data-status', 'cancelled');
  await expect(panel.getByTestId('export-download')).toHaveCount(0);
  await expect(progress).toHaveCount(0);

  // Not stuck: a safetensors export of the same pair completes.
  const st = await exportAs(page, 'safetensors', info.outputPath());
  expect(st.name).toBe('merged.safetensors');
});
