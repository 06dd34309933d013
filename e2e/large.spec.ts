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

test('5,000 × 5,000 variables on the canvas: a tree in model order with its diff column, search count and fit', async ({ page }, info) => {
  const dir = info.outputPath('big');
  execFileSync(join('node_modules', '.bin', 'tsx'), ['e2e/make-large.ts', dir], { stdio: 'inherit' });
  // The new model as a plain list, in its own order: block_010's first layer widened, a scope inserted after block_005
  // (out of name order), block_050's last layer gone.
  const news: { name: string; shape: number[]; dtype: string }[] = [];
  for (let g = 0; g < 100; g++) {
    for (let i = 0; i < 50; i++) {
      if (g === 50 && i === 49) continue;
      news.push({ name: `block_${String(g).padStart(3, '0')}/layer_${String(i).padStart(2, '0')}/kernel`, shape: g === 10 && i === 0 ? [2, 3] : [2, 2], dtype: 'float32' });
    }
    if (g === 5) news.push({ name: 'adapter_05/layer_00/bias', shape: [7], dtype: 'float32' });
  }
  test.setTimeout(180_000);
  // Tall enough for a dozen scopes (React Flow draws only the nodes in view).
  await page.setViewportSize({ width: 1600, height: 1400 });
  await gotoWithoutExample(page);
  const t0 = Date.now();
  await dropFiles(page, [
    { path: 'big.ckpt.index', bytes: new Uint8Array(readFileSync(join(dir, 'big.ckpt.index'))) },
    { path: 'big.ckpt.data-00000-of-00001', bytes: new Uint8Array(readFileSync(join(dir, 'big.ckpt.data-00000-of-00001'))) },
  ]);
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toContainText('big.ckpt', { timeout: 30_000 });
  await dropFiles(page, [{ path: 'new-model.json', bytes: new TextEncoder().encode(JSON.stringify(news)) }], '[data-testid="slot-new"]');
  await expect(page.getByTestId('node-newgroup-block_000')).toBeVisible({ timeout: 60_000 });
  info.annotations.push({ type: 'timing', description: `both dropped → tree drawn: ${Date.now() - t0} ms` });

  // Opens as 100 scopes a side (not 5,000 rows), in the new model's own order: the inserted scope after block_005 (one layer: one row, `adapter_05/layer_00`).
  const ys = async (ids: string[]) => Promise.all(ids.map(async (id) => (await page.getByTestId(id).boundingBox())!.y));
  const order = await ys(['node-newgroup-block_005', 'node-newgroup-adapter_05/layer_00', 'node-newgroup-block_006']);
  expect(order).toEqual([...order].sort((a, b) => a - b));
  expect(await page.locator('.react-flow__node').count()).toBeLessThan(400);
  await expect(page.getByTestId('diff-newgroup-adapter_05/layer_00')).toHaveText('new');
  await expect(page.getByTestId('diff-newgroup-block_001')).toHaveText('same');

  // Search: a count, the results brought into view, each link's other end kept.
  await page.getByTestId('search').fill('block_077/layer_33/');
  await expect(page.getByTestId('search-count')).toHaveText('2 matches (1 old · 1 new)', { timeout: 20_000 });
  await expect(page.getByTestId('node-new-block_077/layer_33/kernel')).toBeInViewport();
  await expect(page.getByTestId('node-old-block_077/layer_33/kernel')).toBeInViewport();
  await page.getByTestId('search').fill('block_010/layer_00');
  await expect(page.getByTestId('diff-new-block_010/layer_00/kernel')).toHaveText('2→3');
  await page.getByTestId('search').fill('block_050/layer_49');
  await expect(page.getByTestId('diff-old-block_050/layer_49/kernel')).toHaveText('removed');
  await page.getByTestId('search').fill('');
  await expect(page.getByTestId('node-oldgroup-block_000')).toBeVisible();
});
