import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { FIXTURES, dropFiles, expect as baseExpect, fixtureBytes, gotoWithoutExample, test, DIABETES, TFJS, TITANIC, diabetesDrop } from './helpers';

// Opening HDF5 files in the worker takes seconds on a loaded machine: waits are about what shows, not how fast.
const expect = baseExpect.configure({ timeout: 30_000 });
test.setTimeout(120_000);

async function openDiabetes(page: Page): Promise<void> {
  await dropFiles(page, diabetesDrop());
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toHaveText('model.weights.h5');
  await expect(page.getByTestId('summary')).toHaveAttribute('data-saved', 'true');
}

test('start over names what it loses, empties both slots and forgets the saved mapping; Undo brings it all back', async ({ page }, info) => {
  await gotoWithoutExample(page);
  await openDiabetes(page);
  await page.getByTestId('start-over').click();
  const dialog = page.getByTestId('start-over-dialog');
  await expect(dialog).toContainText('old checkpoint: model.weights.h5');
  await expect(dialog).toContainText('new model: model.json');
  await expect(dialog.getByTestId('start-over-loses')).toContainText(/forgets the mapping saved in this browser for these files: \d+ links/);
  await page.screenshot({ path: info.outputPath('start-over-dialog.png') });
  // Cancel keeps everything.
  await dialog.getByTestId('start-over-cancel').click();
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toHaveText('model.weights.h5');

  await page.getByTestId('start-over').click();
  await page.getByTestId('start-over-confirm').click();
  await expect(page.getByTestId('empty-old')).toBeVisible();
  await expect(page.getByTestId('empty-new')).toBeVisible();
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  await expect(page.getByTestId('started-over')).toBeVisible();
  await expect(page.getByTestId('start-over')).toBeDisabled();

  await page.getByTestId('undo-start-over').click();
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toHaveText('model.weights.h5');
  await expect(page.getByTestId('slot-new').getByTestId('slot-label')).toHaveText('model.json');
  await expect(page.getByTestId('restored')).toBeVisible();
  await expect(page.getByTestId('started-over')).toHaveCount(0);
});

test('after start over a reload has no saved work to offer, and the same files start from a fresh match', async ({ page }) => {
  await gotoWithoutExample(page);
  await openDiabetes(page);
  await page.getByTestId('start-over').click();
  await page.getByTestId('start-over-confirm').click();
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  await gotoWithoutExample(page);
  await page.waitForLoadState('networkidle');
  await expect(page.getByTestId('saved-work')).toHaveCount(0);
  await dropFiles(page, diabetesDrop());
  await expect(page.getByTestId('summary')).toHaveAttribute('data-saved', 'true');
  await expect(page.getByTestId('restored')).toHaveCount(0);
});

test('after a reload the page names the files that bring the saved work back, and the note goes once they are dropped', async ({ page }, info) => {
  await gotoWithoutExample(page);
  await openDiabetes(page);
  await gotoWithoutExample(page);
  const note = page.getByTestId('saved-work');
  await expect(note).toBeVisible();
  await expect(note.getByTestId('saved-work-old')).toHaveText(/^model\.weights\.h5 \([\d.]+ [kKM]i?B\)$/);
  await expect(note.getByTestId('saved-work-new')).toHaveText(/^model\.json \([\d.]+ [kKM]?i?B\)$/);
  await page.screenshot({ path: info.outputPath('saved-work.png') });
  await dropFiles(page, diabetesDrop());
  await expect(page.getByTestId('slot-new').getByTestId('slot-label')).toHaveText('model.json');
  await expect(note).toHaveCount(0);
  await expect(page.getByTestId('restored')).toBeVisible();
});

test('the example is marked, and the first real file replaces both of its slots with nothing linked to it', async ({ page }, info) => {
  await page.goto('/');
  await expect(page.getByTestId('canvas')).toBeVisible();
  await expect(page.getByTestId('slot-old').getByTestId('example-badge')).toHaveText('Example');
  await expect(page.getByTestId('slot-new').getByTestId('example-badge')).toHaveText('Example');
  await page.getByTestId('replace-old-input').setInputFiles(join(FIXTURES, TITANIC, 'weights.h5'));
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toHaveText('weights.h5');
  await expect(page.getByTestId('example-badge')).toHaveCount(0);
  // The example's new model went too: the new slot is empty, so there is no canvas and nothing is linked.
  await expect(page.getByTestId('empty-new')).toBeVisible();
  await expect(page.getByTestId('slot-new').getByTestId('source')).toHaveCount(0);
  await expect(page.getByTestId('canvas')).toHaveCount(0);
  await expect(page.getByTestId('summary')).toHaveCount(0);
  await page.screenshot({ path: info.outputPath('example-replaced.png') });

  // A second checkpoint now asks, and says what the new slot really holds.
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, DIABETES, 'model.weights.h5'));
  const dialog = page.getByTestId('route-dialog');
  await expect(dialog).toContainText('the new slot is empty');
  await dialog.getByTestId('route-cancel').click();
});

test('a drop anywhere while the example is open replaces it on both sides', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('canvas')).toBeVisible();
  await dropFiles(page, [{ path: 'weights.h5', bytes: fixtureBytes(TITANIC, 'weights.h5') }]);
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toHaveText('weights.h5');
  await expect(page.getByTestId('empty-new')).toBeVisible();
  await expect(page.getByTestId('example-badge')).toHaveCount(0);
  await expect(page.getByTestId('route-dialog')).toHaveCount(0);
});

test('swap in the header: a checkpoint used as template becomes the old one; a model JSON cannot, and the page says why', async ({ page }) => {
  await gotoWithoutExample(page);
  await expect(page.getByTestId('swap')).toBeDisabled();
  await page.getByTestId('replace-new-input').setInputFiles(['model.json', 'group1-shard1of1.bin'].map((f) => join(FIXTURES, TFJS, 'model', f)));
  await expect(page.getByTestId('slot-new').getByTestId('slot-format')).toContainText('as template');
  await page.getByTestId('swap').click();
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toContainText('model.json');
  await expect(page.getByTestId('slot-old').getByTestId('slot-format')).toContainText('TensorFlow.js');
  await expect(page.getByTestId('empty-new')).toBeVisible();

  await page.getByTestId('replace-new-input').setInputFiles(join(FIXTURES, DIABETES, 'model.json'));
  await expect(page.getByTestId('slot-new').getByTestId('slot-format')).toContainText('Keras model JSON');
  await expect(page.getByTestId('swap')).toBeDisabled();
  await expect(page.getByTestId('swap-why')).toHaveText('The new model (model.json) is a model description without weights, so it cannot become the old checkpoint.');
});
