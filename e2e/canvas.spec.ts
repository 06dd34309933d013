import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './helpers';
import type { Page } from '@playwright/test';
import { FIXTURES, dropFiles, fixtureBytes, gotoWithoutExample, settledBox } from './helpers';

const HOUSE = 'tf1-saver-houseprices';
/** The first answer of a page waits for the worker to start (seconds on a loaded machine); later steps do not. */
const FIRST_LOAD = { timeout: 30_000 };
const OLD_FILES = ['model_longtrain.ckpt.index', 'model_longtrain.ckpt.data-00000-of-00001'];
const NEW_FILES = ['model.ckpt.index', 'model.ckpt.data-00000-of-00001'];

/** The old checkpoint (a longer-trained, wider network) and the new template (the narrower one): a real change. */
async function openHousePrices(page: Page): Promise<void> {
  await dropFiles(page, OLD_FILES.map((f) => ({ path: f, bytes: fixtureBytes(HOUSE, f) })));
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toContainText('model_longtrain.ckpt', FIRST_LOAD);
  await dropFiles(page, NEW_FILES.map((f) => ({ path: f, bytes: fixtureBytes(HOUSE, f) })), '[data-testid="slot-new"]');
  await expect(page.getByTestId('canvas')).toBeVisible(FIRST_LOAD);
  await expect(page.getByTestId('summary')).toContainText('exact', FIRST_LOAD);
}

/** Drags with the real mouse from an old variable's handle onto a new variable. */
async function dragLink(page: Page, from: string, to: string): Promise<void> {
  const h = await settledBox(page, `handle-old-${from}`);
  const n = await settledBox(page, `node-new-${to}`);
  await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
  await page.mouse.down();
  await page.mouse.move(h.x + 60, h.y + 10, { steps: 4 });
  await expect(page.getByTestId('connection-hint')).toBeVisible();
  await page.mouse.move(n.x + n.width / 2, n.y + n.height / 2, { steps: 12 });
  await page.mouse.up();
}

test('canvas: auto-links and summary, a link dragged by mouse with its colour and preview, pad fill, undo/redo, reload restores, problems filter, recipe export and import', async ({ page }, info) => {
  await gotoWithoutExample(page);
  await openHousePrices(page);

  // Auto-links: the first layer is the same in both, so it is linked exact and sure.
  const first = page.getByTestId('edge-Variable');
  await expect(first).toHaveAttribute('data-status', 'exact');
  await expect(page.getByTestId('badge-Variable')).toHaveText('sure');
  await expect(page.getByTestId('count-exact')).toContainText(/[1-9]/);
  await expect(page.getByTestId('readiness')).toBeVisible();

  // Narrow both sides to one variable, then link it by hand with the mouse: [1] → [10] pads.
  await page.keyboard.press('/');
  await expect(page.getByTestId('search')).toBeFocused();
  await page.keyboard.type('Variable_7');
  await expect(page.getByTestId('node-new-Variable_7')).toBeVisible();
  await dragLink(page, 'Variable_7', 'Variable_7');
  const edge = page.getByTestId('edge-Variable_7');
  await expect(edge).toHaveAttribute('data-status', 'transformed');
  const stroke = await edge.locator('path.react-flow__edge-path').getAttribute('style');
  expect(stroke).toContain('rgb(37, 99, 235)');

  // The inspector: both shapes, the pad step, and before/after heatmaps from the worker.
  await expect(page.getByTestId('tensor-name')).toHaveText('Variable_7');
  await expect(page.getByTestId('inspector-from-shape')).toHaveText('float32 [1]');
  await expect(page.getByTestId('inspector-to-shape')).toHaveText('float32 [10]');
  await expect(page.getByTestId('step-0')).toHaveAttribute('data-op', 'pad');
  await expect(page.getByTestId('preview-before').getByTestId('heatmap')).toBeVisible();
  await expect(page.getByTestId('preview-after').getByTestId('heatmap')).toBeVisible();
  await expect(page.getByTestId('preview')).toHaveAttribute('data-status', 'ready');
  await page.screenshot({ path: info.outputPath('canvas-linked.png') });

  // Change the pad fill: the preview is computed again and differs.
  const stats = page.getByTestId('preview-after-stats');
  await page.getByTestId('step-0-fill').selectOption('zeros');
  await expect(stats).toContainText('zeros 9');
  await page.getByTestId('step-0-fill').selectOption('copy');
  await expect(stats).toContainText('zeros 0');
  const copyStats = await stats.textContent();

  // Undo and redo, from the keyboard.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('step-0-fill')).toHaveValue('zeros');
  await expect(stats).toContainText('zeros 9');
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('step-0-fill')).toHaveValue('copy');
  await expect(stats).toHaveText(copyStats!);
  await page.getByTestId('undo').click();
  await page.getByTestId('redo').click();
  await expect(page.getByTestId('step-0-fill')).toHaveValue('copy');

  // Reload: dropping the same files again restores the recipe from IndexedDB, once the last edit is saved there.
  await expect(page.getByTestId('summary')).toHaveAttribute('data-saved', 'true');
  await page.reload();
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  await openHousePrices(page);
  await expect(page.getByTestId('restored')).toBeVisible();
  await page.getByTestId('search').fill('Variable_7');
  await page.getByTestId('node-new-Variable_7').click();
  await expect(page.getByTestId('step-0-fill')).toHaveValue('copy');
  await expect(page.getByTestId('edge-Variable_7')).toHaveAttribute('data-status', 'transformed');
  await page.getByTestId('search').fill('');

  // Proposals (guesses) wait to be accepted: one from the inspector, then all the others; each is one undo step.
  await page.getByTestId('search').fill('Variable_2');
  await expect(page.getByTestId('edge-Variable_2')).toHaveAttribute('data-status', 'pending');
  await page.getByTestId('node-new-Variable_2').click();
  await page.getByTestId('accept-link').click();
  await expect(page.getByTestId('edge-Variable_2')).not.toHaveAttribute('data-status', 'pending');
  await page.getByTestId('search').fill('Variable_3');
  await expect(page.getByTestId('edge-Variable_3')).toHaveAttribute('data-status', 'pending');
  await page.getByTestId('accept-all').click();
  await expect(page.getByTestId('edge-Variable_3')).not.toHaveAttribute('data-status', 'pending');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('edge-Variable_3')).toHaveAttribute('data-status', 'pending');
  await page.getByTestId('redo').click();
  await expect(page.getByTestId('edge-Variable_3')).not.toHaveAttribute('data-status', 'pending');
  await page.getByTestId('search').fill('');

  // Only problems: exact links go, what needs attention stays.
  await page.getByTestId('toggle-problems').check();
  await expect(page.getByTestId('node-new-Variable')).toHaveCount(0);
  const problemNodes = page.locator('[data-testid^="node-new-"][data-status]');
  for (const status of await problemNodes.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))) {
    expect(['initialised', 'incompatible', 'pending']).toContain(status);
  }
  await page.getByTestId('toggle-problems').uncheck();
  await page.getByTestId('count-exact').click();
  await expect(page.getByTestId('node-new-Variable')).toBeVisible();
  await expect(page.getByTestId('node-new-Variable_7')).toHaveCount(0);
  await page.getByTestId('count-exact').click();

  // Export the recipe, change it, import the file back.
  const download = page.waitForEvent('download');
  await page.getByTestId('export-recipe').click();
  const file = info.outputPath('recipe.json');
  await (await download).saveAs(file);
  const recipe = JSON.parse(readFileSync(file, 'utf8')) as { version: number; links: { from: string[]; to: string; transforms: { op: string; fill?: string }[] }[] };
  expect(recipe.version).toBe(1);
  expect(recipe.links.find((l) => l.to === 'Variable_7')).toMatchObject({ from: ['Variable_7'], transforms: [{ op: 'pad', fill: 'copy' }] });

  await page.getByTestId('search').fill('Variable_7');
  await page.getByTestId('node-new-Variable_7').click();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('edge-Variable_7')).toHaveCount(0);
  await expect(page.getByTestId('inspector-status')).toHaveAttribute('data-status', 'initialised');
  await page.getByTestId('import-recipe-input').setInputFiles(file);
  await expect(page.getByTestId('edge-Variable_7')).toHaveAttribute('data-status', 'transformed');

  const bad = info.outputPath('bad.json');
  writeFileSync(bad, JSON.stringify({ version: 1, links: [{ from: ['x'] }] }));
  await page.getByTestId('import-recipe-input').setInputFiles(bad);
  await expect(page.getByTestId('import-error')).toContainText('links[0].to');
  await expect(page.getByTestId('edge-Variable_7')).toHaveAttribute('data-status', 'transformed');
});

test('the built-in example opens on the canvas: exact links, a renamed scope placed by structure, a widened layer and a new one', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('canvas')).toBeVisible(FIRST_LOAD);
  await expect(page.getByTestId('summary')).toContainText('exact', FIRST_LOAD);
  await page.locator('.react-flow__controls-fitview').click();
  await expect(page.getByTestId('edge-conv1/kernel')).toHaveAttribute('data-status', 'exact');
  await expect(page.getByTestId('node-new-hidden/kernel')).toHaveAttribute('data-status', 'initialised');
  // The renamed batch-norm scope (conv1/BatchNorm → bn1) sits where the old one did, with the same shapes: linked.
  await expect(page.getByTestId('edge-bn1/gamma')).toHaveAttribute('data-status', 'exact');
  await expect(page.getByTestId('edge-dense/kernel')).toHaveAttribute('data-status', 'transformed');
  await expect(page.getByTestId('readiness')).toHaveText('Ready to export');

  // Unlink one from the inspector: one undo step brings it back, redo takes it away again.
  await page.getByTestId('node-new-bn1/gamma').click();
  await expect(page.getByTestId('tensor-name')).toHaveText('bn1/gamma');
  await expect(page.getByTestId('preview-after').getByTestId('heatmap')).toBeVisible();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('edge-bn1/gamma')).toHaveCount(0);
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('edge-bn1/gamma')).toHaveAttribute('data-status', 'exact');
  await page.getByTestId('redo').click();
  await expect(page.getByTestId('edge-bn1/gamma')).toHaveCount(0);
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('edge-bn1/gamma')).toHaveAttribute('data-status', 'exact');

  // A collapsed group shows its count; the list view is one click away.
  await page.getByTestId('toggle-newgroup-conv1').click();
  await expect(page.getByTestId('node-new-conv1/kernel')).toHaveCount(0);
  await expect(page.getByTestId('node-newgroup-conv1')).toContainText('2');
  await page.getByTestId('mode-lists').click();
  await expect(page.getByTestId('list-old').getByTestId('variable-row').first()).toBeVisible();

  // Reload: the example's recipe is restored too.
  await expect(page.getByTestId('summary')).toHaveAttribute('data-saved', 'true');
  await page.reload();
  await page.getByTestId('mode-canvas').click();
  await expect(page.getByTestId('restored')).toBeVisible(FIRST_LOAD);
  await expect(page.getByTestId('readiness')).toHaveText('Ready to export');
});

test('a Keras 3 weights file with its model JSON: every variable linked exact, ready to export', async ({ page }) => {
  await gotoWithoutExample(page);
  const dir = 'keras3-weights-h5-diabetes';
  await page.getByTestId('file-input').setInputFiles(['model.weights.h5', 'model.json'].map((f) => join(FIXTURES, dir, f)));
  await expect(page.getByTestId('canvas')).toBeVisible(FIRST_LOAD);
  await expect(page.getByTestId('readiness')).toHaveText('Ready to export', FIRST_LOAD);
  await expect(page.getByTestId('count-initialised')).toContainText('0');
  await expect(page.locator('[data-testid^="edge-"][data-status="exact"]').first()).toBeAttached();
});
