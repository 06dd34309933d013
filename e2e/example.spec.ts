import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test, expect } from './helpers';

const manifestPath = fileURLToPath(new URL('../dist/examples/manifest.json', import.meta.url));

test('the built-in example opens on the first visit with a variable shown', async ({ page }) => {
  // The example is written by `npm run example` (npm test runs it first); without it this must fail, not skip.
  expect(existsSync(manifestPath), 'dist/examples/manifest.json: run `npm run example` before `vite build`').toBe(true);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { label: string; files: string[] };

  await page.goto('/');
  // Both sides are filled, so the canvas opens; the lists are one tab away.
  await expect(page.getByTestId('canvas')).toBeVisible();
  await page.getByTestId('mode-lists').click();
  await expect(page.getByTestId('variable-row').first()).toBeVisible();
  const old = page.getByTestId('slot-old');
  const index = manifest.files.find((f) => f.endsWith('.index'))!;
  await expect(old.getByTestId('slot-label')).toContainText(index.slice(index.lastIndexOf('/') + 1).replace(/\.index$/, ''));
  await expect(old.getByTestId('slot-format')).toContainText('built-in example');
  await expect(page.getByTestId('list-old').getByTestId('variable-row').first()).toBeVisible();
  await expect(page.getByTestId('list-old').getByTestId('section-weight')).toBeVisible();
  await expect(page.getByTestId('list-old').getByTestId('section-optimizer')).toBeVisible();
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(manifest.files.length).toBeGreaterThan(1);

  // The first weight with a grid is selected and drawn.
  await expect(page.getByTestId('stat-std')).not.toHaveText('—');
  await expect(page.getByTestId('heatmap')).toBeVisible();
});

test('a 4-D kernel of the example can be viewed whole or one filter at a time', async ({ page }) => {
  expect(existsSync(manifestPath), 'dist/examples/manifest.json: run `npm run example` before `vite build`').toBe(true);
  await page.goto('/');
  await page.getByTestId('mode-lists').click();
  const kernel = page.locator('[data-testid="variable-row"][data-name$="kernel"]').filter({ has: page.locator('.shape', { hasText: /\[\d+, \d+, \d+, \d+\]/ }) }).first();
  await kernel.click();
  const shape = (await kernel.locator('.shape').textContent())!.match(/\d+/g)!.map(Number) as [number, number, number, number];
  const heat = page.getByTestId('heatmap');
  await expect(heat).toHaveAttribute('width', String(Math.min(shape[3], 256)));
  await page.getByTestId('view-mode').selectOption('io');
  await expect(heat).toHaveAttribute('width', String(shape[1]));
  await expect(heat).toHaveAttribute('height', String(shape[0]));
  await page.getByTestId('view-mode').selectOption('hw');
  await expect(heat).toHaveAttribute('height', String(shape[2]));
});

test('without a built-in example the page opens on the empty drop state, with no error', async ({ page }) => {
  await page.route('**/examples/manifest.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/');
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  await expect(page.getByTestId('empty-old')).toContainText('Drop the old checkpoint here');
  await expect(page.getByTestId('empty-new')).toContainText('Drop the new model here');
  // Give the example request time to come back before checking nothing was reported.
  await page.waitForLoadState('networkidle');
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(page.getByTestId('drop-error')).toHaveCount(0);
  await expect(page.getByTestId('variable-row')).toHaveCount(0);
  await page.getByTestId('load-example').click();
  await expect(page.getByTestId('drop-error')).toContainText('no built-in example');
});
