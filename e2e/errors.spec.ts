import { join } from 'node:path';
import { test, expect } from './helpers';
import { FIXTURES, dropFiles, expected, fixtureBytes, gotoWithoutExample } from './helpers';

const RUAN = 'tf2-keras-2shard-little_ruan';
const shards = ['model.ckpt.data-00000-of-00002', 'model.ckpt.data-00001-of-00002'];

test('an index with a flipped byte in a block shows the checksum error, and what was loaded stays', async ({ page }) => {
  await gotoWithoutExample(page);
  await page.getByTestId('file-input').setInputFiles(['model.ckpt.index', ...shards].map((f) => join(FIXTURES, RUAN, f)));
  const count = expected(RUAN).length;
  await expect(page.getByTestId('variable-row')).toHaveCount(count);

  const index = fixtureBytes(RUAN, 'model.ckpt.index');
  const bad = index.slice();
  bad[40] = bad[40]! ^ 0xff; // inside the first data block, well before the footer
  // Dropped onto the old slot: they replace it.
  await dropFiles(page, [{ path: 'model.ckpt.index', bytes: bad }, ...shards.map((f) => ({ path: f, bytes: fixtureBytes(RUAN, f) }))], '[data-testid="slot-old"]');

  const error = page.getByTestId('slot-old').getByTestId('error');
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute('role', 'alert');
  await expect(error).toContainText('model.ckpt.index');
  await expect(error).toContainText(/checksum/i);
  // The previous checkpoint is still listed and inspectable.
  await expect(page.getByTestId('variable-row')).toHaveCount(count);
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toHaveText('model.ckpt');
  await page.locator('[data-testid="variable-row"][data-name="layer-1/bias/.ATTRIBUTES/VARIABLE_VALUE"]').click();
  await expect(page.getByTestId('stat-mean')).not.toHaveText('—');
});

test('a truncated index shows an error naming the file', async ({ page }) => {
  await gotoWithoutExample(page);
  const index = fixtureBytes(RUAN, 'model.ckpt.index');
  await dropFiles(page, [{ path: 'model.ckpt.index', bytes: index.slice(0, index.length - 20) }, { path: shards[1]!, bytes: fixtureBytes(RUAN, shards[1]!) }]);
  // Still recognised as a TF checkpoint by its names: it goes to the old slot, whose card says why it failed.
  const error = page.getByTestId('slot-old').getByTestId('error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('model.ckpt.index');
  await expect(page.getByTestId('variable-row')).toHaveCount(0);
});

test('a missing data shard is a warning; reading one of its tensors fails with a clear message', async ({ page }) => {
  const folder = 'bert-index-only-johnny';
  await gotoWithoutExample(page);
  const index = expected(folder)[0]!.file;
  await dropFiles(page, [{ path: index.split('/').pop()!, bytes: fixtureBytes(folder, index) }]);
  await expect(page.getByTestId('variable-row')).toHaveCount(expected(folder).length, { timeout: 20_000 });
  await expect(page.getByTestId('slot-old').getByTestId('warning').first()).toBeVisible();
  const name = expected(folder).find((e) => e.shape.length === 2)!.name;
  await page.getByTestId('list-old').getByTestId('filter').fill(name);
  await page.locator(`[data-testid="variable-row"][data-name="${name}"]`).click();
  await expect(page.getByTestId('tensor-error')).toBeVisible();
  await expect(page.getByTestId('tensor-error')).toContainText(/data-00000-of-00001/);
});

test('files that are not a checkpoint are named in the error', async ({ page }) => {
  await gotoWithoutExample(page);
  await dropFiles(page, [{ path: 'notes.txt', bytes: new TextEncoder().encode('hello') }]);
  await expect(page.getByTestId('drop-error')).toContainText('notes.txt');
  await expect(page.getByTestId('drop-error')).toContainText('neither slot');
  await expect(page.getByTestId('error')).toHaveCount(0);
});
