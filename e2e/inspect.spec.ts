import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './helpers';
import { FIXTURES, dropFiles, expectClose, expected, fixtureBytes, float32Values, shownNames, shownNumber, gotoWithoutExample } from './helpers';

const RUAN = 'tf2-keras-2shard-little_ruan';
const RUAN_FILES = ['checkpoint', 'model.ckpt.index', 'model.ckpt.data-00000-of-00002', 'model.ckpt.data-00001-of-00002'];

test('picked files of a two-shard TF2 checkpoint list every variable, and one opens with its statistics', async ({ page }) => {
  await gotoWithoutExample(page);
  await page.getByTestId('file-input').setInputFiles(RUAN_FILES.map((f) => join(FIXTURES, RUAN, f)));

  const entries = expected(RUAN);
  await expect(page.getByTestId('variable-row')).toHaveCount(entries.length);
  expect((await shownNames(page)).sort()).toEqual(entries.map((e) => e.name).sort());
  await expect(page.getByTestId('section-weight')).toBeVisible();
  await expect(page.getByTestId('section-optimizer')).toBeVisible();
  await expect(page.getByTestId('list-old').getByTestId('totals')).toContainText(`${entries.length} variables`);
  await expect(page.getByTestId('slot-old').getByTestId('slot-format')).toContainText('TensorFlow checkpoint');
  await expect(page.getByTestId('empty-new')).toBeVisible();

  const name = 'layer-1/kernel/.ATTRIBUTES/VARIABLE_VALUE';
  await page.locator(`[data-testid="variable-row"][data-name="${name}"]`).click();
  await expect(page.getByTestId('tensor-name')).toHaveText(name);
  await expect(page.getByTestId('stat-mean')).not.toBeEmpty();

  // Independently: the tensor's float32 bytes straight from the data shard, at the offset expected.jsonl gives.
  const entry = entries.find((e) => e.name === name)!;
  const shard = fixtureBytes(RUAN, 'model.ckpt.data-00001-of-00002');
  const values = float32Values(shard.subarray(entry.offset!, entry.offset! + entry.size!));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  expectClose(await shownNumber(page, 'stat-min'), Math.min(...values));
  expectClose(await shownNumber(page, 'stat-max'), Math.max(...values));
  expectClose(await shownNumber(page, 'stat-mean'), mean);
  expectClose(await shownNumber(page, 'stat-std'), std);
  await expect(page.getByTestId('stat-nan')).toHaveText('0');
  await expect(page.getByTestId('stat-inf')).toHaveText('0');
  await expect(page.getByTestId('histogram').locator('rect')).toHaveCount(40);
  await expect(page.getByTestId('heatmap')).toHaveAttribute('width', '128');
  await expect(page.getByTestId('heatmap')).toHaveAttribute('height', '4');
  await expect(page.getByTestId('meta-original-name')).toHaveText('sequential/dense/kernel');

  // A string tensor lists its elements: the object graph is binary, so it is shown as hex.
  await page.locator('[data-testid="variable-row"][data-name="_CHECKPOINTABLE_OBJECT_GRAPH"]').click();
  await expect(page.getByTestId('strings')).toContainText('1 string');
  await expect(page.getByTestId('strings')).toContainText(/binary, \d+ bytes: [0-9a-f]{2} /);
  await expect(page.getByTestId('histogram')).toHaveCount(0);
});

test('TF 2.0 alpha OBJECT_CONFIG_JSON strings show as text', async ({ page }) => {
  const folder = 'tf2alpha-keras-saveweights-jessiemjones';
  const entries = expected(folder);
  await gotoWithoutExample(page);
  const files = [...new Set(entries.map((e) => e.file))];
  const index = files[0]!;
  const dir = index.includes('/') ? index.slice(0, index.lastIndexOf('/') + 1) : '';
  const names = readdirSync(join(FIXTURES, folder, dir)).filter((f) => f.startsWith(index.slice(dir.length).replace(/\.index$/, '')));
  await page.getByTestId('file-input').setInputFiles(names.map((f) => join(FIXTURES, folder, dir, f)));
  await expect(page.getByTestId('variable-row')).toHaveCount(entries.length);
  const config = entries.find((e) => e.name.endsWith('OBJECT_CONFIG_JSON') && e.name !== '/.ATTRIBUTES/OBJECT_CONFIG_JSON')!;
  await page.locator(`[data-testid="variable-row"][data-name="${config.name}"]`).click();
  await expect(page.getByTestId('strings')).toContainText('{');
});

test('two checkpoints dropped onto one slot offer a picker; each lists its own variables', async ({ page }) => {
  const folder = 'tf1-saver-houseprices';
  await gotoWithoutExample(page);
  const files = ['checkpoint', 'model.ckpt.index', 'model.ckpt.data-00000-of-00001', 'model_longtrain.ckpt.index', 'model_longtrain.ckpt.data-00000-of-00001'];
  // Dropped anywhere, two prefixes are two models (the page asks which goes where); onto a slot, they share it.
  await dropFiles(page, files.map((f) => ({ path: f, bytes: fixtureBytes(folder, f) })), '[data-testid="slot-old"]');

  const picker = page.getByTestId('candidate-picker');
  await expect(picker).toBeVisible();
  await expect(picker.locator('option')).toHaveCount(2);
  const all = expected(folder);
  const byFile = (index: string) => all.filter((e) => e.file === index).map((e) => e.name).sort();

  // The `checkpoint` state file names model.ckpt: it is the default.
  await expect(page.getByTestId('variable-row')).toHaveCount(byFile('model.ckpt.index').length);
  expect((await shownNames(page)).sort()).toEqual(byFile('model.ckpt.index'));

  const longtrain = await picker.locator('option', { hasText: 'model_longtrain' }).getAttribute('value');
  await picker.selectOption(longtrain!);
  await expect(page.getByTestId('variable-row')).toHaveCount(byFile('model_longtrain.ckpt.index').length);
  expect((await shownNames(page)).sort()).toEqual(byFile('model_longtrain.ckpt.index'));

  // Adam slots and beta powers are grouped apart from the weights.
  await expect(page.getByTestId('section-optimizer').first()).toBeVisible();
  await expect(page.getByTestId('section-optimizer').locator('xpath=following-sibling::*').filter({ hasText: 'Adam' }).first()).toBeVisible();

  await page.locator('[data-testid="variable-row"][data-name="Variable_2"]').click();
  await expect(page.getByTestId('tensor-name')).toHaveText('Variable_2');
  await expect(page.getByTestId('stat-max')).not.toHaveText('—');
  await expect(page.getByTestId('histogram')).toBeVisible();
  await expect(page.getByTestId('heatmap')).toBeVisible();
});

test('a SavedModel folder picked as a folder opens its variables/', async ({ page }) => {
  const folder = 'savedmodel-keras-disease';
  await gotoWithoutExample(page);
  await page.getByTestId('folder-input').setInputFiles(join(FIXTURES, folder, 'model'));
  const names = expected(folder).map((e) => e.name).sort();
  await expect(page.getByTestId('variable-row')).toHaveCount(names.length);
  expect((await shownNames(page)).sort()).toEqual(names);
  await expect(page.getByTestId('section-bookkeeping')).toBeVisible();
});

test('the filter narrows the table by name and groups collapse', async ({ page }) => {
  await gotoWithoutExample(page);
  await page.getByTestId('file-input').setInputFiles(RUAN_FILES.map((f) => join(FIXTURES, RUAN, f)));
  const entries = expected(RUAN);
  await expect(page.getByTestId('variable-row')).toHaveCount(entries.length);

  await page.getByTestId('list-old').getByTestId('filter').fill('OPTIMIZER_SLOT/optimizer/m');
  const slotsM = entries.filter((e) => e.name.includes('OPTIMIZER_SLOT/optimizer/m')).map((e) => e.name).sort();
  expect(slotsM.length).toBeGreaterThan(0);
  await expect(page.getByTestId('variable-row')).toHaveCount(slotsM.length);
  expect((await shownNames(page)).sort()).toEqual(slotsM);
  await page.getByTestId('list-old').getByTestId('filter').fill('');
  await expect(page.getByTestId('variable-row')).toHaveCount(entries.length);

  const group = page.locator('[data-testid^="group-"][data-kind="weight"]').first();
  const before = await page.getByTestId('variable-row').count();
  await group.click();
  await expect(group).toHaveAttribute('aria-expanded', 'false');
  expect(await page.getByTestId('variable-row').count()).toBeLessThan(before);
  await group.click();
  await expect(page.getByTestId('variable-row')).toHaveCount(before);
});
