import { test, expect } from './helpers';

// RE2 (re2js) is not part of the first view: it loads when a regex rule appears (core/mapping/safe-regex.ts).
test('a regex rule typed on the example: RE2 loads, counts the names it moves, refuses what it cannot run, and re-matches', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('[data-testid="canvas"] .react-flow__node').first()).toBeVisible();
  await expect(page.getByTestId('export-open')).toBeEnabled({ timeout: 20_000 });
  await page.getByTestId('rules-toggle').click();
  await page.getByTestId('add-rule').click();
  await page.getByTestId('rule-0-kind').selectOption('regex');
  await page.getByTestId('rule-0-from').fill('^(.*)/kernel$');
  await page.getByTestId('rule-0-to').fill('$1/kernel');
  // Every old kernel is moved (onto its own name): the count comes from RE2, loaded just now.
  await expect(page.getByTestId('rule-0-count')).toHaveText(/^[1-9]\d* moved$/);
  await expect(page.getByTestId('apply-rules')).toBeEnabled();
  await page.getByTestId('rule-0-from').fill('kernel(?=/)');
  await expect(page.getByTestId('apply-rules')).toBeDisabled();
  await expect(page.getByTestId('rule-0-count')).toHaveText('0 moved');
  await page.getByTestId('rule-0-from').fill('^(.*)/kernel$');
  await page.getByTestId('apply-rules').click();
  await expect(page.getByTestId('apply-rules')).toHaveText('Apply and re-match');
  await expect(page.getByTestId('recipe-error')).toHaveCount(0);
  await expect(page.getByTestId('rule-0-from')).toHaveValue('^(.*)/kernel$');
});

test('an imported recipe with a regex rule is checked by RE2: one it cannot run is refused with a sentence', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('export-open')).toBeEnabled({ timeout: 20_000 });
  const recipe = (from: string) => ({ name: 'recipe.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ version: 1, rules: [{ kind: 'regex', from, to: 'x' }] })) });
  await page.getByTestId('import-recipe-input').setInputFiles(recipe('kernel(?=/)'));
  await expect(page.getByTestId('import-error')).toContainText('not a regular expression Graft can run in linear time');
  await page.getByTestId('import-recipe-input').setInputFiles(recipe('^(.*)/W$'));
  await expect(page.getByTestId('import-error')).toHaveCount(0);
  await page.getByTestId('rules-toggle').click();
  await expect(page.getByTestId('rule-0-from')).toHaveValue('^(.*)/W$');
});
