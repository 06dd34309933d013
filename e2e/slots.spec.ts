import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect as baseExpect } from './helpers';

// The first answer of a page waits for the worker to start and HDF5 to load: seconds on a loaded machine.
const expect = baseExpect.configure({ timeout: 30_000 });
test.setTimeout(120_000);
import type { Page } from '@playwright/test';
import { DIABETES, FIXTURES, TFJS, TITANIC, diabetesDrop, dropFiles, expectClose, expected, fixtureBytes, float32Values, gotoWithoutExample, shownNames, shownNumber } from './helpers';

const row = (page: Page, slot: 'old' | 'new', name: string) => page.getByTestId(`list-${slot}`).locator(`[data-testid="variable-row"][data-name="${name}"]`);

/** Values of an HDF5 dataset read with h5wasm directly, not through Graft. */
async function h5Values(file: string, dataset: string): Promise<number[]> {
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'r');
  try {
    const d = f.get(dataset) as { value: Float32Array };
    return Array.from(d.value);
  } finally {
    f.close();
  }
}

const stats = (values: number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { min: Math.min(...values), max: Math.max(...values), mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) };
};

test('a checkpoint and a model JSON dropped together land each in its slot, and both lists show', async ({ page }, info) => {
  await gotoWithoutExample(page);
  await dropFiles(page, diabetesDrop());

  const old = page.getByTestId('slot-old');
  const neu = page.getByTestId('slot-new');
  await expect(old.getByTestId('slot-label')).toHaveText('model.weights.h5');
  await expect(old.getByTestId('slot-format')).toContainText('Keras HDF5 weights');
  await expect(neu.getByTestId('slot-label')).toHaveText('model.json');
  await expect(neu.getByTestId('slot-format')).toContainText('Keras model JSON');
  await expect(page.getByTestId('route-dialog')).toHaveCount(0);
  // Both sides are filled: the canvas opens; these checks read the lists.
  await page.getByTestId('mode-lists').click();

  const names = expected(DIABETES).map((e) => e.name).sort();
  await expect(page.getByTestId('list-old').getByTestId('variable-row')).toHaveCount(names.length);
  expect((await shownNames(page, 'old')).sort()).toEqual(names);
  await expect(old.getByTestId('slot-counts')).toContainText(`${names.length} variables`);
  // The new model's variables come from the JSON with Keras' names, layer classes and initializers.
  expect(await shownNames(page, 'new')).toEqual(['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias']);
  const kernel = row(page, 'new', 'dense/kernel');
  await expect(kernel.getByTestId('layer-class')).toHaveText('Dense');
  await expect(kernel.getByTestId('initializer')).toHaveText('GlorotUniform');
  await expect(kernel.locator('.shape')).toHaveText('[8, 12]');

  // The first weight grid of the old side is shown first; its values are the stored ones.
  await expect(page.getByTestId('tensor-slot')).toHaveText('Old checkpoint');
  await expect(page.getByTestId('tensor-name')).toHaveText('layers/dense/vars/0');
  const stored = stats(await h5Values(join(FIXTURES, DIABETES, 'model.weights.h5'), 'layers/dense/vars/0'));
  await expect(page.getByTestId('stat-mean')).not.toHaveText('—');
  expectClose(await shownNumber(page, 'stat-mean'), stored.mean);
  expectClose(await shownNumber(page, 'stat-std'), stored.std);

  // A new variable shows its initializer's values: glorot_uniform on [8, 12] stays within ±sqrt(6 / 20).
  await kernel.click();
  await expect(page.getByTestId('tensor-slot')).toHaveText('New model');
  await expect(page.getByTestId('meta-initializer')).toHaveText('GlorotUniform');
  await expect(page.getByTestId('values-note')).toContainText('initializer');
  await expect(page.getByTestId('stat-finite')).toHaveText('96');
  const limit = Math.sqrt(6 / 20);
  expect(await shownNumber(page, 'stat-min')).toBeGreaterThanOrEqual(-limit);
  expect(await shownNumber(page, 'stat-max')).toBeLessThanOrEqual(limit);
  expect(await shownNumber(page, 'stat-std')).toBeGreaterThan(0.1);
  await expect(page.getByTestId('heatmap')).toBeVisible();

  // A model JSON has no weights: it cannot be swapped into the old slot.
  await expect(page.getByTestId('swap-slots')).toBeDisabled();
  await page.screenshot({ path: info.outputPath('both-slots.png') });
});

test('a TF.js model with its weights asks where it goes; "new model" puts it in the new slot as a template', async ({ page }, info) => {
  await gotoWithoutExample(page);
  await page.screenshot({ path: info.outputPath('empty.png') });
  await page.getByTestId('folder-input').setInputFiles(join(FIXTURES, TFJS, 'model'));
  const dialog = page.getByTestId('route-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('model.json');
  await expect(dialog).toContainText('TF.js model with its weights');
  // Nothing opens before the person answers.
  await expect(page.getByTestId('variable-row')).toHaveCount(0);
  await page.screenshot({ path: info.outputPath('route-dialog.png') });
  await dialog.getByTestId('route-new').click();
  await expect(dialog).toHaveCount(0);

  const neu = page.getByTestId('slot-new');
  await expect(neu.getByTestId('slot-format')).toContainText('TensorFlow.js model, as template');
  const names = expected(TFJS).map((e) => e.name).sort();
  await expect(page.getByTestId('list-new').getByTestId('variable-row')).toHaveCount(names.length);
  expect((await shownNames(page, 'new')).sort()).toEqual(names);
  await expect(page.getByTestId('empty-old')).toBeVisible();
  await expect(row(page, 'new', 'dense/kernel').getByTestId('initializer')).toHaveText('template value');

  // A template's values are its stored weights: dense/kernel straight from the .bin at its manifest offset (first).
  const bin = fixtureBytes(TFJS, 'model/group1-shard1of1.bin');
  const values = Array.from(float32Values(bin.subarray(0, 8 * 12 * 4)));
  await row(page, 'new', 'dense/kernel').click();
  await expect(page.getByTestId('values-note')).toContainText('template');
  await expect(page.getByTestId('stat-max')).not.toHaveText('—');
  expectClose(await shownNumber(page, 'stat-max'), stats(values).max);
  expectClose(await shownNumber(page, 'stat-mean'), stats(values).mean);
});

test('swap: the old checkpoint becomes the new template and the template the old checkpoint', async ({ page }) => {
  await gotoWithoutExample(page);
  await page.getByTestId('replace-old-input').setInputFiles(join(FIXTURES, TITANIC, 'weights.h5'));
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toHaveText('weights.h5');
  await page.getByTestId('replace-new-input').setInputFiles(['model.json', 'group1-shard1of1.bin'].map((f) => join(FIXTURES, TFJS, 'model', f)));
  await expect(page.getByTestId('slot-new').getByTestId('slot-label')).toContainText('model.json');
  // Both sides are filled: the canvas opens; these checks read the lists.
  await page.getByTestId('mode-lists').click();
  const titanic = expected(TITANIC).map((e) => e.name).sort();
  const tfjs = expected(TFJS).map((e) => e.name).sort();
  expect((await shownNames(page, 'old')).sort()).toEqual(titanic);
  expect((await shownNames(page, 'new')).sort()).toEqual(tfjs);

  await row(page, 'old', 'dense/dense/kernel:0').click();
  await page.getByTestId('swap-slots').click();
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toContainText('model.json');
  await expect(page.getByTestId('slot-old').getByTestId('slot-format')).toContainText('TensorFlow.js model');
  await expect(page.getByTestId('slot-new').getByTestId('slot-label')).toHaveText('weights.h5');
  await expect(page.getByTestId('slot-new').getByTestId('slot-format')).toContainText('Keras HDF5 weights, as template');
  expect((await shownNames(page, 'old')).sort()).toEqual(tfjs);
  expect((await shownNames(page, 'new')).sort()).toEqual(titanic);
  // The selection moved with its variable.
  await expect(page.getByTestId('tensor-slot')).toHaveText('New model');
  await expect(page.getByTestId('tensor-name')).toHaveText('dense/dense/kernel:0');
  await expect(page.getByTestId('stat-mean')).not.toHaveText('—');
});

test('replacing one slot, or failing to, leaves the other as it was', async ({ page }) => {
  await gotoWithoutExample(page);
  await dropFiles(page, diabetesDrop());
  // Both sides are filled: the canvas opens; these checks read the lists.
  await page.getByTestId('mode-lists').click();
  await expect(page.getByTestId('list-new').getByTestId('variable-row')).toHaveCount(6);
  const newNames = await shownNames(page, 'new');

  // Dropped onto the old slot's card: the Keras 2 weights replace the old checkpoint only.
  await dropFiles(page, [{ path: 'weights.h5', bytes: fixtureBytes(TITANIC, 'weights.h5') }], '[data-testid="slot-old"]');
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toHaveText('weights.h5');
  expect((await shownNames(page, 'old')).sort()).toEqual(expected(TITANIC).map((e) => e.name).sort());
  expect(await shownNames(page, 'new')).toEqual(newNames);

  // The new slot's own picker: a plain list of variables written here.
  const list = [{ name: 'encoder/w', shape: [4, 3], dtype: 'float32' }, { name: 'encoder/b', shape: [3], dtype: 'float32' }];
  await page.getByTestId('replace-new-input').setInputFiles({ name: 'vars.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(list)) });
  await expect(page.getByTestId('slot-new').getByTestId('slot-label')).toHaveText('vars.json');
  expect(await shownNames(page, 'new')).toEqual(['encoder/w', 'encoder/b']);
  expect((await shownNames(page, 'old')).sort()).toEqual(expected(TITANIC).map((e) => e.name).sort());

  // A broken file dropped onto the new slot: the error shows there; both slots keep what they had.
  await dropFiles(page, [{ path: 'broken.json', bytes: new TextEncoder().encode('{"class_name": "Sequential", "config": {"layers": [') }], '[data-testid="slot-new"]');
  await expect(page.getByTestId('slot-new').getByTestId('error')).toContainText('broken.json');
  await expect(page.getByTestId('slot-old').getByTestId('error')).toHaveCount(0);
  expect(await shownNames(page, 'new')).toEqual(['encoder/w', 'encoder/b']);
  await expect(page.getByTestId('list-old').getByTestId('variable-row')).toHaveCount(expected(TITANIC).length);

  // A model JSON dropped onto the old slot is refused there with the reason.
  await dropFiles(page, [{ path: 'model.json', bytes: fixtureBytes(DIABETES, 'model.json') }], '[data-testid="slot-old"]');
  await expect(page.getByTestId('slot-old').getByTestId('error')).toContainText('new model');
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toHaveText('weights.h5');
});

test('a second checkpoint while old is filled and new is empty asks; "old" replaces the old one', async ({ page }) => {
  await gotoWithoutExample(page);
  await dropFiles(page, [{ path: 'model.weights.h5', bytes: fixtureBytes(DIABETES, 'model.weights.h5') }]);
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toHaveText('model.weights.h5');
  await dropFiles(page, [{ path: 'weights.h5', bytes: fixtureBytes(TITANIC, 'weights.h5') }]);
  await expect(page.getByTestId('route-dialog')).toContainText('weights.h5');
  await page.getByTestId('route-old').click();
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toHaveText('weights.h5');
  await expect(page.getByTestId('empty-new')).toBeVisible();
});

test('a Keras 2 .h5 opens in the old slot through h5wasm in the worker, and its values are right', async ({ page }) => {
  await gotoWithoutExample(page);
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, TITANIC, 'weights.h5'));
  await expect(page.getByTestId('slot-old').getByTestId('slot-format')).toContainText('Keras HDF5 weights');
  await expect(page.getByTestId('empty-new')).toBeVisible();
  const names = expected(TITANIC).map((e) => e.name).sort();
  expect((await shownNames(page, 'old')).sort()).toEqual(names);

  for (const name of ['dense_1/dense_1/kernel:0', 'dense/dense/bias:0']) {
    await row(page, 'old', name).click();
    await expect(page.getByTestId('tensor-name')).toHaveText(name);
    await expect(page.getByTestId('stat-mean')).not.toHaveText('—');
    const s = stats(await h5Values(join(FIXTURES, TITANIC, 'weights.h5'), name));
    expectClose(await shownNumber(page, 'stat-min'), s.min);
    expectClose(await shownNumber(page, 'stat-max'), s.max);
    expectClose(await shownNumber(page, 'stat-mean'), s.mean);
    expectClose(await shownNumber(page, 'stat-std'), s.std);
  }
  await expect(page.getByTestId('tensor-error')).toHaveCount(0);
  // The worker reads the HDF5 file by range, synchronously (h5wasm's file system), through FileReaderSync.
  const worker = page.workers().find((w) => w.url().includes('worker'));
  expect(worker, 'the Graft worker is running').toBeDefined();
  expect(await worker!.evaluate(() => typeof (globalThis as { FileReaderSync?: unknown }).FileReaderSync)).toBe('function');
});

test('a safetensors file written here opens in the old slot with its values', async ({ page }) => {
  const tensors = { 'encoder.weight': { shape: [3, 4], values: Array.from({ length: 12 }, (_, i) => i * 0.5 - 2) }, 'encoder.bias': { shape: [4], values: [1, 2, 3, 4] } };
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.values.length * 4] };
    offset += t.values.length * 4;
  }
  const json = Buffer.from(JSON.stringify(header));
  const bytes = Buffer.alloc(8 + json.length + offset);
  bytes.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(bytes, 8);
  let at = 8 + json.length;
  for (const t of Object.values(tensors)) for (const v of t.values) at = bytes.writeFloatLE(v, at);

  await gotoWithoutExample(page);
  await dropFiles(page, [{ path: 'model.safetensors', bytes: new Uint8Array(bytes) }]);
  await expect(page.getByTestId('slot-old').getByTestId('slot-format')).toContainText('safetensors');
  expect((await shownNames(page, 'old')).sort()).toEqual(['encoder.bias', 'encoder.weight']);
  await row(page, 'old', 'encoder.weight').click();
  await expect(page.getByTestId('stat-min')).toHaveText('−2');
  await expect(page.getByTestId('stat-max')).toHaveText('3.5');
  await expect(page.getByTestId('heatmap')).toHaveAttribute('width', '4');
  await expect(page.getByTestId('heatmap')).toHaveAttribute('height', '3');
});

test('a .keras archive (a model and its weights) asks; "both sides" opens its weights as old, and its model starting from them as new', async ({ page }) => {
  const { zipSync } = await import('fflate');
  // Stored, not deflated: the HDF5 member is then read by range straight from the archive.
  const archive = zipSync(
    { 'metadata.json': new TextEncoder().encode('{"keras_version": "3.3.3"}'), 'config.json': fixtureBytes(DIABETES, 'model.json'), 'model.weights.h5': fixtureBytes(DIABETES, 'model.weights.h5') },
    { level: 0 },
  );
  await gotoWithoutExample(page);
  await dropFiles(page, [{ path: 'diabetes.keras', bytes: archive }]);
  await expect(page.getByTestId('route-dialog')).toContainText('diabetes.keras (Keras .keras archive)');
  await page.getByTestId('route-both').click();
  // Both sides are filled: the canvas opens; these checks read the lists.
  await page.getByTestId('mode-lists').click();
  const names = expected(DIABETES).map((e) => e.name).sort();
  await expect(page.getByTestId('list-old').getByTestId('variable-row')).toHaveCount(names.length);
  // The new side is the model config.json describes (no optimizer state), its variables named as Keras names them.
  await expect(page.getByTestId('list-new').getByTestId('variable-row')).toHaveCount(6);
  expect((await shownNames(page, 'old')).sort()).toEqual(names);
  expect((await shownNames(page, 'new')).sort()).toEqual(['dense/bias', 'dense/kernel', 'dense_1/bias', 'dense_1/kernel', 'dense_2/bias', 'dense_2/kernel']);
  await expect(page.getByTestId('slot-old').getByTestId('slot-format')).toContainText('Keras archive');
  await expect(page.getByTestId('slot-new').getByTestId('slot-format')).toContainText('Keras archive, as template');

  const stored = stats(await h5Values(join(FIXTURES, DIABETES, 'model.weights.h5'), 'layers/dense_1/vars/0'));
  for (const slot of ['old', 'new'] as const) {
    await row(page, slot, slot === 'old' ? 'layers/dense_1/vars/0' : 'dense_1/kernel').click();
    await expect(page.getByTestId('tensor-slot')).toHaveText(slot === 'old' ? 'Old checkpoint' : 'New model');
    await expect(page.getByTestId('stat-mean')).not.toHaveText('—');
    expectClose(await shownNumber(page, 'stat-mean'), stored.mean);
    expectClose(await shownNumber(page, 'stat-max'), stored.max);
  }
});

test('two TF checkpoints with different prefixes dropped together ask once, per model, where each goes', async ({ page }, info) => {
  await gotoWithoutExample(page);
  const folder = 'tf1-saver-houseprices';
  const files = ['checkpoint', 'model.ckpt.index', 'model.ckpt.data-00000-of-00001', 'model_longtrain.ckpt.index', 'model_longtrain.ckpt.data-00000-of-00001'];
  await dropFiles(page, files.map((f) => ({ path: f, bytes: fixtureBytes(folder, f) })));
  const dialog = page.getByTestId('route-dialog');
  await expect(dialog).toContainText('Which model goes where?', { timeout: 30_000 });
  await expect(dialog.getByTestId('route-model')).toHaveText(['model.ckpt (TensorFlow checkpoint)', 'model_longtrain.ckpt (TensorFlow checkpoint)']);
  await expect(dialog.getByTestId('route-model-0')).toHaveValue('old');
  await expect(dialog.getByTestId('route-model-1')).toHaveValue('new');
  // One slot cannot take both: the dialog says so and will not open.
  await dialog.getByTestId('route-model-1').selectOption('old');
  await expect(dialog.getByTestId('route-problem')).toHaveText('Only one model can be the old checkpoint.');
  await expect(dialog.getByTestId('route-open')).toBeDisabled();
  // The longer-trained one is the old checkpoint, the other the new model's template.
  await dialog.getByTestId('route-model-0').selectOption('new');
  await page.screenshot({ path: info.outputPath('two-models.png') });
  await dialog.getByTestId('route-open').click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toHaveText('model_longtrain.ckpt', { timeout: 30_000 });
  await expect(page.getByTestId('slot-new').getByTestId('slot-label')).toHaveText('model.ckpt');
  // Each slot holds one model: no "Checkpoint" picker with an arbitrary "(latest)".
  await expect(page.getByTestId('candidate-picker')).toHaveCount(0);
  await expect(page.getByTestId('canvas')).toBeVisible({ timeout: 30_000 });
});

test('a folder holding before/ and after/ suggests before as old and after as new', async ({ page }) => {
  const root = mkdtempSync(join(tmpdir(), 'graft-pair-'));
  const dir = join(root, 'pair');
  mkdirSync(join(dir, 'before'), { recursive: true });
  mkdirSync(join(dir, 'after'), { recursive: true });
  copyFileSync(join(FIXTURES, TITANIC, 'weights.h5'), join(dir, 'before', 'weights.h5'));
  copyFileSync(join(FIXTURES, DIABETES, 'model.weights.h5'), join(dir, 'after', 'model.weights.h5'));
  await gotoWithoutExample(page);
  await page.getByTestId('folder-input').setInputFiles(dir);
  const dialog = page.getByTestId('route-dialog');
  await expect(dialog.getByTestId('route-model')).toHaveCount(2, { timeout: 30_000 });
  const labels = await dialog.getByTestId('route-model').allTextContents();
  const before = labels.findIndex((l) => l.includes('before/weights.h5'));
  const after = labels.findIndex((l) => l.includes('after/model.weights.h5'));
  await expect(dialog.getByTestId(`route-model-${before}`)).toHaveValue('old');
  await expect(dialog.getByTestId(`route-model-${after}`)).toHaveValue('new');
  await dialog.getByTestId('route-open').click();
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toHaveText(/weights\.h5$/, { timeout: 30_000 });
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).not.toContainText('model.weights');
  await expect(page.getByTestId('slot-new').getByTestId('slot-format')).toContainText('as template', { timeout: 30_000 });
  await expect(page.getByTestId('slot-new').getByTestId('slot-label')).toContainText('model.weights.h5');
});
