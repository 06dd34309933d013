// The canvas as a tree in model order with a diff column, search with a count and fit, and linking by keyboard, on
// a real pair: a TF2 object-based checkpoint written by TensorFlow 2.21 / Keras 3 (`tf.train.Checkpoint(model=…)`)
// and the changed model's Keras JSON (e2e/data/tf2-keras-pair/make.py wrote both).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { dropFiles, expect, fixtureBytes, gotoWithoutExample, settledBox, test } from './helpers';

const PAIR = join('e2e', 'data', 'tf2-keras-pair');
const FIRST_LOAD = { timeout: 30_000 };
// Tall enough that the whole small model is drawn (React Flow draws only what is in view).
test.use({ viewport: { width: 1600, height: 1400 } });

const key = (op: number, leaf: string) => `model/_operations/${op}/${leaf}/.ATTRIBUTES/VARIABLE_VALUE`;

async function openPair(page: Page): Promise<void> {
  await gotoWithoutExample(page);
  const bytes = (f: string) => new Uint8Array(readFileSync(join(PAIR, f)));
  await dropFiles(page, ['old.ckpt.index', 'old.ckpt.data-00000-of-00001'].map((f) => ({ path: f, bytes: bytes(f) })));
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toContainText('old.ckpt', FIRST_LOAD);
  await dropFiles(page, [{ path: 'new-model.json', bytes: bytes('new-model.json') }], '[data-testid="slot-new"]');
  await expect(page.getByTestId('summary')).toContainText('exact', FIRST_LOAD);
  if (process.env.TREE_SHOT) await page.screenshot({ path: process.env.TREE_SHOT });
}

/** Test ids of the matching rows, top to bottom as drawn. */
async function inOrder(rows: Locator): Promise<string[]> {
  const all = await rows.evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-testid') ?? '', y: e.getBoundingClientRect().y })));
  return all.sort((a, b) => a.y - b.y).map((r) => r.id);
}

async function centreY(page: Page, testId: string): Promise<number> {
  const b = (await page.getByTestId(testId).boundingBox())!;
  return b.y + b.height / 2;
}

test('tree in model order with readable names and a diff column; edges cross nowhere; search counts, fits, finds stored and readable names, says why it is empty', async ({ page }) => {
  await openPair(page);
  const scopes = (side: 'old' | 'new') => inOrder(page.locator(`[data-testid^="node-${side}group-"]`));
  // Keras topology order on the new side, object-graph order on the old one (its keys are stored sorted).
  expect(await scopes('new')).toEqual(['encoder_dense', 'encoder_bn', 'hidden', 'adapter', 'output'].map((g) => `node-newgroup-${g}`));
  expect(await scopes('old')).toEqual(['encoder_dense', 'encoder_bn', 'hidden', 'head'].map((g) => `node-oldgroup-${g}`));
  // Leaves read as the variable's own name, in Keras' order (gamma before beta), the stored key on hover.
  const bn = await inOrder(page.locator('[data-testid^="label-old-model/_operations/2/"]'));
  expect(await Promise.all(bn.map((id) => page.getByTestId(id).textContent()))).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
  await expect(page.getByTestId(`node-old-${key(1, '_kernel')}`)).toHaveAttribute('title', new RegExp(`^encoder_dense/kernel\\nstored as ${key(1, '_kernel')}`));
  await expect(page.locator('.var-name', { hasText: 'VARIABLE_VALUE' })).toHaveCount(0);

  // The diff column, per layer and per variable.
  await expect(page.getByTestId('diff-newgroup-encoder_dense')).toHaveText('16→32');
  await expect(page.getByTestId('diff-newgroup-encoder_dense')).toHaveAttribute('data-diff', 'widened');
  await expect(page.getByTestId('diff-newgroup-adapter')).toHaveText('new');
  await expect(page.getByTestId('diff-newgroup-adapter')).toHaveAttribute('data-diff', 'inserted');
  await expect(page.getByTestId('diff-new-output/kernel')).toHaveText('renamed');
  await expect(page.getByTestId('diff-new-output/kernel')).toHaveAttribute('title', /renamed from head\/kernel/);
  await expect(page.getByTestId('diff-new-hidden/bias')).toHaveText('same');
  await expect(page.getByTestId('diff-oldgroup-head')).toHaveText('renamed');
  await expect(page.getByTestId('legend-diff')).toBeVisible();
  await expect(page.getByTestId('legend-keys')).toContainText('link from old');

  // Both sides in model order: every link goes down the same way on both sides, so no two edges cross.
  const links: [string, number, number][] = [];
  for (const [to, op, leaf] of [['encoder_dense/kernel', 1, '_kernel'], ['encoder_bn/gamma', 2, 'gamma'], ['encoder_bn/moving_variance', 2, 'moving_variance'], ['hidden/kernel', 3, '_kernel'], ['hidden/bias', 3, 'bias'], ['output/kernel', 4, '_kernel'], ['output/bias', 4, 'bias']] as const) {
    links.push([to, await centreY(page, `node-old-${key(op, leaf)}`), await centreY(page, `node-new-${to}`)]);
  }
  for (let i = 1; i < links.length; i++) expect(links[i]![1], `${links[i]![0]} below ${links[i - 1]![0]} on the old side too`).toBeGreaterThan(links[i - 1]![1]);

  // Search a readable name: the count, and the other end of each link stays in view.
  await page.getByTestId('search').fill('head');
  await expect(page.getByTestId('search-count')).toHaveText('2 matches (2 old · 0 new)');
  await expect(page.getByTestId('node-new-output/kernel')).toBeVisible();
  await expect(page.getByTestId('node-new-hidden/kernel')).toHaveCount(0);
  // A stored key's part finds the variable too.
  await page.getByTestId('search').fill('_operations/3/_kernel');
  await expect(page.getByTestId('search-count')).toHaveText('1 match (1 old · 0 new)');
  await expect(page.getByTestId('node-new-hidden/kernel')).toBeVisible();

  // Fit to results: zoomed far out and panned away, the button brings every match into the viewport.
  await page.getByTestId('search').fill('kernel');
  await expect(page.getByTestId('search-count')).toHaveText('7 matches (3 old · 4 new)');
  await settledBox(page, 'node-new-adapter/kernel');
  const pane = (await page.locator('.react-flow').boundingBox())!;
  await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
  await page.mouse.down();
  await page.mouse.move(pane.x + pane.width / 2 + 900, pane.y - 600, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('node-new-adapter/kernel')).not.toBeInViewport();
  await page.getByTestId('search-fit').click();
  for (const id of ['node-new-encoder_dense/kernel', 'node-new-output/kernel', `node-old-${key(4, '_kernel')}`]) await expect(page.getByTestId(id)).toBeInViewport();

  // Nothing found says why.
  await page.getByTestId('search').fill('xyz');
  await expect(page.getByTestId('canvas-empty')).toHaveText('Nothing to show: no variable name contains “xyz”.');
  await page.getByTestId('search').fill('');
});

test('keyboard: move, fold, link an old variable to a new one and unlink it, with a visible focus ring', async ({ page }) => {
  await openPair(page);
  const canvas = page.getByTestId('canvas');
  const cursor = page.locator('[data-cursor]');
  await canvas.focus();
  await expect(cursor).toHaveAttribute('data-testid', 'node-oldgroup-encoder_dense');
  // The ring: a 3 px outline on the row under the cursor.
  expect(await cursor.evaluate((el) => getComputedStyle(el).outlineWidth)).toBe('3px');
  expect(await cursor.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');

  // ← folds the scope, → opens it again.
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId(`node-old-${key(1, '_kernel')}`)).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId(`node-old-${key(1, '_kernel')}`)).toBeVisible();

  /** Presses ↓ until the cursor is on `testId` (at most 20 rows). */
  const downTo = async (testId: string) => {
    for (let i = 0; i < 20 && (await cursor.getAttribute('data-testid')) !== testId; i++) await page.keyboard.press('ArrowDown');
    await expect(cursor).toHaveAttribute('data-testid', testId);
  };
  const upTo = async (testId: string) => {
    for (let i = 0; i < 20 && (await cursor.getAttribute('data-testid')) !== testId; i++) await page.keyboard.press('ArrowUp');
    await expect(cursor).toHaveAttribute('data-testid', testId);
  };

  // L on old hidden/bias, then to the inserted adapter/bias on the new side, Enter: linked.
  await expect(page.getByTestId('edge-adapter/bias')).toHaveCount(0);
  await downTo(`node-old-${key(3, 'bias')}`);
  await page.keyboard.press('l');
  await expect(page.getByTestId('canvas-keyhint')).toContainText('Linking from');
  await expect(page.getByTestId(`node-old-${key(3, 'bias')}`)).toHaveClass(/is-linking/);
  await expect(cursor).toHaveAttribute('data-testid', /^node-new-/);
  await downTo('node-new-adapter/bias');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('edge-adapter/bias')).toHaveAttribute('data-status', 'exact');
  await expect(page.getByTestId('diff-new-adapter/bias')).toHaveText('renamed');
  await expect(page.getByTestId('tensor-name')).toHaveText('adapter/bias');

  // Delete removes the link under the cursor.
  await downTo('node-new-adapter/bias');
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('edge-adapter/bias')).toHaveCount(0);
  await expect(page.getByTestId('diff-new-adapter/bias')).toHaveText('new');

  // Tab crosses back to the old side (Shift+Tab from the new side), Esc cancels a started link.
  await page.keyboard.press('Shift+Tab');
  await expect(cursor).toHaveAttribute('data-testid', /^node-old/);
  await page.keyboard.press('l');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('canvas-keyhint')).toHaveCount(0);
});

test('keyboard: A accepts a proposal on the new variable under the cursor', async ({ page }) => {
  // Two real TF1 Saver checkpoints of different widths: the matcher proposes guesses that wait for a yes.
  await gotoWithoutExample(page);
  const house = (f: string) => ({ path: f, bytes: fixtureBytes('tf1-saver-houseprices', f) });
  await dropFiles(page, ['model_longtrain.ckpt.index', 'model_longtrain.ckpt.data-00000-of-00001'].map(house));
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toContainText('model_longtrain.ckpt', FIRST_LOAD);
  await dropFiles(page, ['model.ckpt.index', 'model.ckpt.data-00000-of-00001'].map(house), '[data-testid="slot-new"]');
  await expect(page.getByTestId('edge-Variable_2')).toHaveAttribute('data-status', 'pending', FIRST_LOAD);
  const cursor = page.locator('[data-cursor]');
  await page.getByTestId('canvas').focus();
  await page.keyboard.press('Tab');
  await expect(cursor).toHaveAttribute('data-testid', /^node-new-/);
  await page.keyboard.press('Home');
  for (let i = 0; i < 30 && (await cursor.getAttribute('data-testid')) !== 'node-new-Variable_2'; i++) await page.keyboard.press('ArrowDown');
  await expect(cursor).toHaveAttribute('data-testid', 'node-new-Variable_2');
  await page.keyboard.press('a');
  await expect(page.getByTestId('edge-Variable_2')).not.toHaveAttribute('data-status', 'pending');
  await expect(page.getByTestId('canvas-keyhint')).toHaveText('Accepted the proposal for Variable_2.');
});
