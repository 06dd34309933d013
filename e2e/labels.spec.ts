/**
 * Labels that say what happens, and a page that fits: chips adding up to the new model's variable count, fill
 * words, the inspector header after an edit, the layout at 1280×800 and 1920×1080, Esc's overview, plain words.
 * Every spec here also runs under helpers.ts' console check.
 */
import { join } from 'node:path';
import { FIXTURES, dropFiles, expect, fixtureBytes, gotoWithoutExample, test } from './helpers';
import type { Page } from '@playwright/test';

const FIRST_LOAD = { timeout: 30_000 };
const CHIPS = ['exact', 'transformed', 'pending', 'incompatible', 'initialised'];

async function chipCounts(page: Page): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const k of [...CHIPS, 'unused']) out[k] = Number(await page.getByTestId(`count-${k}`).getAttribute('data-count'));
  return out;
}

/** The example: a TF1 checkpoint and a changed Keras model JSON. */
async function openExample(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('canvas')).toBeVisible(FIRST_LOAD);
  await expect(page.getByTestId('summary')).toHaveAttribute('data-total', /\d+/, FIRST_LOAD);
}

async function selectNew(page: Page, name: string): Promise<void> {
  await page.getByTestId('search').fill(name);
  await page.getByTestId(`node-new-${name}`).click();
  await expect(page.getByTestId('tensor-name')).toHaveText(name);
}

test('the chips count every new variable once and add up to the new model’s count; hidden optimizer state says so and shows on click', async ({ page }) => {
  await gotoWithoutExample(page);
  // The old house-prices checkpoint (longer trained, wider) into the narrower one as template: proposals, pads, and
  // the template's Adam slots, which nothing links while optimizer state is left out.
  const HOUSE = 'tf1-saver-houseprices';
  await dropFiles(page, ['model_longtrain.ckpt.index', 'model_longtrain.ckpt.data-00000-of-00001'].map((f) => ({ path: f, bytes: fixtureBytes(HOUSE, f) })));
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toContainText('model_longtrain.ckpt', FIRST_LOAD);
  await dropFiles(page, ['model.ckpt.index', 'model.ckpt.data-00000-of-00001'].map((f) => ({ path: f, bytes: fixtureBytes(HOUSE, f) })), '[data-testid="slot-new"]');
  await expect(page.getByTestId('summary')).toHaveAttribute('data-total', /^[1-9]\d*$/, FIRST_LOAD);
  const total = Number(await page.getByTestId('summary').getAttribute('data-total'));
  // The total is the new model's variable count as its slot card states it.
  await expect(page.getByTestId('slot-new').getByTestId('slot-counts')).toContainText(`${total} variables`);

  const counts = await chipCounts(page);
  expect(CHIPS.reduce((a, k) => a + counts[k]!, 0)).toBe(total);
  // The proposals are counted as proposed only (they used to be counted as initialised too).
  expect(counts.pending).toBeGreaterThan(0);
  const initialised = page.getByTestId('count-initialised');
  const hidden = Number(await initialised.getAttribute('data-hidden'));
  expect(hidden).toBeGreaterThan(0);
  await expect(page.getByTestId('count-initialised-hidden')).toContainText('optimizer state');
  await expect(initialised).toHaveAttribute('title', /optimizer or bookkeeping state, hidden on the canvas/);

  // Clicking the chip shows them: the state toggle goes on and the canvas is not empty.
  await initialised.click();
  await expect(page.getByTestId('toggle-state')).toBeChecked();
  await expect(initialised).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('count-initialised-hidden')).toHaveCount(0);
  const shown = page.locator('[data-testid^="node-new-"][data-status="initialised"]');
  await expect(shown.first()).toBeVisible();
  // A proposal is not among the initialised ones the filter shows.
  await expect(page.locator('[data-testid^="node-new-"][data-status="pending"]')).toHaveCount(0);

  // The proposed chip: only proposals, and accepting them all moves them out of it while the sum stays.
  await page.getByTestId('count-pending').click();
  await expect(page.locator('[data-testid^="node-new-"][data-status="pending"]').first()).toBeVisible();
  await page.getByTestId('accept-all').click();
  await expect(page.getByTestId('count-pending')).toHaveAttribute('data-count', '0');
  const after = await chipCounts(page);
  expect(CHIPS.reduce((a, k) => a + after[k]!, 0)).toBe(total);
});

test('fill labels say what is written: the initializer from the model JSON, zeros, the template’s values', async ({ page }) => {
  await openExample(page);
  // The example's new `hidden` layer has no old weights: its kernel gets Glorot uniform, its bias zeros (the JSON's).
  await selectNew(page, 'hidden/kernel');
  await expect(page.getByTestId('inspector-status')).toHaveAttribute('data-status', 'initialised');
  await expect(page.getByTestId('inspector-chain')).toHaveText('no link: written as Glorot uniform from the model JSON');
  await expect(page.getByTestId('preview-after').locator('h3')).toContainText('Written as Glorot uniform from the model JSON');
  await expect(page.getByTestId('count-initialised')).toHaveAttribute('title', /written as Glorot uniform from the model JSON \(1\), zeros \(1\)/);
  await expect(page.getByTestId('fill-policy').locator('option:checked')).toHaveText('initializers from the model JSON');

  // The zeros policy writes zeros, whatever the JSON says.
  await page.getByTestId('fill-policy').selectOption('zeros');
  await expect(page.getByTestId('inspector-chain')).toHaveText('no link: written as zeros');
  await expect(page.getByTestId('count-initialised')).toHaveAttribute('title', /written as zeros/);
  await page.getByTestId('export-open').click();
  await expect(page.getByTestId('export-count-initialised')).toContainText('no link: written as zeros');
});

test('a checkpoint as template: unlinked variables keep the template’s values, and the words say so', async ({ page }) => {
  await gotoWithoutExample(page);
  const dir = join(FIXTURES, 'tf1-saver-houseprices');
  const files = ['model.ckpt.index', 'model.ckpt.data-00000-of-00001'].map((f) => join(dir, f));
  await page.getByTestId('replace-old-input').setInputFiles(files);
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).not.toHaveText('', FIRST_LOAD);
  await page.getByTestId('replace-new-input').setInputFiles(files);
  await expect(page.getByTestId('summary')).toHaveAttribute('data-total', /^[1-9]\d*$/, FIRST_LOAD);
  await expect(page.getByTestId('count-initialised')).toHaveAttribute('title', /written as the template’s values/);
  await expect(page.getByTestId('fill-policy').locator('option:checked')).toHaveText('the template’s values');
});

test('after a step edit the inspector header shows the chain and status as they are now, not the proposal', async ({ page }) => {
  await openExample(page);
  // dense/kernel [1568, 64] → [1568, 128]: auto-matching pads it with the initializer and is "likely" sure.
  await selectNew(page, 'dense/kernel');
  await expect(page.getByTestId('inspector-status')).toHaveAttribute('data-status', 'transformed');
  await expect(page.getByTestId('inspector-confidence')).toHaveText('likely');
  await expect(page.getByTestId('inspector-chain')).toContainText('pad axis 1 +0/+64 (initializer)');
  await expect(page.getByTestId('step-0-fill').locator('option:checked')).toHaveText('initializer: Glorot uniform from the model JSON');

  await page.getByTestId('step-0-fill').selectOption('zeros');
  await expect(page.getByTestId('inspector-chain')).toHaveText('pad axis 1 +0/+64 (zeros)');
  await expect(page.getByTestId('inspector-confidence')).toHaveCount(0);
  await expect(page.getByTestId('inspector-by-hand')).toHaveText('yours');
  await expect(page.getByTestId('inspector-reason')).toHaveText('transforms edited by hand');

  // An edit that breaks the chain: the header says so at once.
  await page.getByTestId('step-0-after').fill('10');
  await page.getByTestId('step-0-after').press('Enter');
  await expect(page.getByTestId('inspector-status')).toHaveAttribute('data-status', 'incompatible');
  await expect(page.getByTestId('inspector-chain')).toHaveText('pad axis 1 +0/+10 (zeros)');
  await expect(page.getByTestId('inspector-problem')).toContainText('[1568,74]');
});

test('Esc with both sides open: the inspector shows where the mapping stands and what to do next, not the first-visit steps', async ({ page }) => {
  await openExample(page);
  await selectNew(page, 'dense/kernel');
  await page.getByTestId('search').press('Escape'); // leaves the search box
  await page.keyboard.press('Escape'); // clears the search
  await page.keyboard.press('Escape'); // deselects
  await expect(page.getByTestId('overview')).toBeVisible();
  await expect(page.getByTestId('tensor-panel')).toHaveCount(0);
  await expect(page.getByTestId('inspector-cell').getByText('Drop the old checkpoint')).toHaveCount(0);
  const total = await page.getByTestId('summary').getAttribute('data-total');
  await expect(page.getByTestId('overview-summary')).toContainText(`The new model has ${total} variables`);
  await expect(page.getByTestId('overview-summary')).toContainText('written as Glorot uniform from the model JSON (1), zeros (1)');
  await expect(page.getByTestId('overview-next').locator('li').first()).toBeVisible();
});

test.describe('at 1280×800', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('the canvas takes the room with the details folded; before and after show side by side without scrolling', async ({ page }) => {
    await openExample(page);
    await page.getByTestId('inspector-fold').click();
    await expect(page.getByTestId('inspector-cell')).toHaveAttribute('data-open', 'false');
    await expect.poll(async () => (await page.getByTestId('canvas').boundingBox())!.width).toBeGreaterThanOrEqual(1150);
    const folded = (await page.getByTestId('canvas').boundingBox())!;
    expect(folded.height).toBeGreaterThanOrEqual(550);

    // Selecting a variable unfolds the details; both previews fit in the window, the page does not scroll.
    await selectNew(page, 'dense/kernel');
    await expect(page.getByTestId('inspector-cell')).toHaveAttribute('data-open', 'true');
    await expect(page.getByTestId('preview')).toHaveAttribute('data-status', 'ready', FIRST_LOAD);
    for (const id of ['preview-before', 'preview-after']) {
      const side = page.getByTestId(id);
      await expect(side.getByTestId('heatmap')).toBeVisible();
      await expect(side.getByTestId('histogram')).toBeInViewport({ ratio: 1 });
      await expect(side).toBeInViewport({ ratio: 1 });
    }
    const before = (await page.getByTestId('preview-before').boundingBox())!;
    const after = (await page.getByTestId('preview-after').boundingBox())!;
    expect(after.x).toBeGreaterThanOrEqual(before.x + before.width); // side by side
    expect(await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    const open = (await page.getByTestId('canvas').boundingBox())!;
    expect(open.width).toBeGreaterThanOrEqual(700);
    expect(open.height).toBeGreaterThanOrEqual(450);
  });
});

test.describe('at 1920×1080', () => {
  test.use({ viewport: { width: 1920, height: 1080 } });

  test('the canvas and the details side by side, previews visible without scrolling', async ({ page }) => {
    await openExample(page);
    await selectNew(page, 'dense/kernel');
    await expect(page.getByTestId('preview')).toHaveAttribute('data-status', 'ready', FIRST_LOAD);
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    expect(canvas.width).toBeGreaterThanOrEqual(1100);
    expect(canvas.height).toBeGreaterThanOrEqual(600);
    await expect(page.getByTestId('preview-before')).toBeInViewport({ ratio: 1 });
    await expect(page.getByTestId('preview-after')).toBeInViewport({ ratio: 1 });
  });
});

test('plain words: the histogram’s axes, the legend’s layer-row counts and React Flow’s credit; a Keras 2 .h5 export leaves a clean console', async ({ page }) => {
  await openExample(page);
  await selectNew(page, 'dense/kernel');
  await expect(page.getByTestId('preview')).toHaveAttribute('data-status', 'ready', FIRST_LOAD);
  await expect(page.getByTestId('histogram-key').first()).toHaveText(/^Bar height: how many values \(square-root scale\)/);
  await expect(page.getByTestId('preview').getByText('√count')).toHaveCount(0);
  await expect(page.getByTestId('legend-group-counts')).toContainText('variables in it');
  await expect(page.getByTestId('legend-attribution').getByRole('link', { name: 'React Flow' })).toHaveAttribute('href', 'https://reactflow.dev');

  // A Keras 2 .h5 export (h5wasm writes it): no HDF5 diagnostics on the console (checked by the fixture), and the
  // arithmetic line in words.
  await page.getByTestId('export-open').click();
  const panel = page.getByTestId('export-panel');
  await panel.getByTestId('export-format').selectOption('keras-legacy');
  await panel.getByTestId('export-start').click();
  await expect(panel.getByTestId('export-download')).toBeVisible(FIRST_LOAD);
  await expect(panel.getByTestId('export-arithmetic')).toContainText(/^Arithmetic \(resizing, mean fills\)( on the (GPU|CPU) \(\w+\))?:? ?(— )?(not needed for this export|it did the arithmetic)/);
});
