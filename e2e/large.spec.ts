import { test, expect } from '@playwright/test';
import { dropFiles, gotoWithoutExample } from './helpers';

const GROUPS = 100;
const PER_GROUP = 50;

test('5,000 variables list without freezing: only the rows in view are drawn, filter and scroll stay quick', async ({ page }) => {
  // Graft's own writer builds the checkpoint (imported here so a failure to load it fails only this test).
  const { writeTfBundle } = await import('../src/core/formats/tf-bundle');
  const tensors = [];
  for (let g = 0; g < GROUPS; g++) {
    for (let i = 0; i < PER_GROUP; i++) {
      const values = Float32Array.from([g, i, -g, -i]);
      tensors.push({ name: `block_${String(g).padStart(3, '0')}/layer_${String(i).padStart(2, '0')}/kernel`, dtype: 'float32' as const, shape: [2, 2], bytes: new Uint8Array(values.buffer) });
    }
  }
  const { index, shards } = writeTfBundle(tensors);
  await gotoWithoutExample(page);
  await dropFiles(page, [
    { path: 'big.ckpt.index', bytes: index },
    { path: 'big.ckpt.data-00000-of-00001', bytes: shards[0]! },
  ]);
  await expect(page.getByTestId('totals')).toContainText('5,000 variables', { timeout: 20_000 });
  const drawn = await page.getByTestId('variable-row').count();
  expect(drawn).toBeGreaterThan(5);
  expect(drawn).toBeLessThan(200);

  // The page answers while the list is up: a filter narrows to one row promptly.
  const started = Date.now();
  await page.getByTestId('filter').fill('block_077/layer_33/');
  await expect(page.getByTestId('variable-row')).toHaveCount(1);
  expect(Date.now() - started).toBeLessThan(2_000);
  await page.getByTestId('filter').fill('');

  // Scrolled to the end, the last variable is drawn.
  await page.getByTestId('variable-list').evaluate((el) => (el.scrollTop = el.scrollHeight));
  const last = page.locator('[data-testid="variable-row"][data-name="block_099/layer_49/kernel"]');
  await expect(last).toBeVisible();
  await last.click();
  await expect(page.getByTestId('stat-max')).toHaveText('99');
  await expect(page.getByTestId('stat-min')).toHaveText('−99');
});
