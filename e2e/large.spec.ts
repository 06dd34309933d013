import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './helpers';
import { dropFiles, gotoWithoutExample } from './helpers';

test('5,000 variables list: only the rows in view are drawn, a filter finds one, the last is reachable by scrolling', async ({ page }, info) => {
  const dir = info.outputPath('big');
  execFileSync(join('node_modules', '.bin', 'tsx'), ['e2e/make-large.ts', dir], { stdio: 'inherit' });
  await gotoWithoutExample(page);
  await dropFiles(page, [
    { path: 'big.ckpt.index', bytes: new Uint8Array(readFileSync(join(dir, 'big.ckpt.index'))) },
    { path: 'big.ckpt.data-00000-of-00001', bytes: new Uint8Array(readFileSync(join(dir, 'big.ckpt.data-00000-of-00001'))) },
  ]);
  await expect(page.getByTestId('list-old').getByTestId('totals')).toContainText('5,000 variables', { timeout: 20_000 });
  const drawn = await page.getByTestId('variable-row').count();
  expect(drawn).toBeGreaterThan(5);
  expect(drawn).toBeLessThan(200);

  // A filter narrows the list to one row (how long that takes: bench/large-list.bench.ts).
  await page.getByTestId('list-old').getByTestId('filter').fill('block_077/layer_33/');
  await expect(page.getByTestId('variable-row')).toHaveCount(1);
  await page.getByTestId('list-old').getByTestId('filter').fill('');

  // Scrolled to the end, the last variable is drawn.
  await page.getByTestId('list-old').getByTestId('variable-list').evaluate((el) => (el.scrollTop = el.scrollHeight));
  const last = page.locator('[data-testid="variable-row"][data-name="block_099/layer_49/kernel"]');
  await expect(last).toBeVisible();
  await last.click();
  await expect(page.getByTestId('stat-max')).toHaveText('99');
  await expect(page.getByTestId('stat-min')).toHaveText('−99');
});
