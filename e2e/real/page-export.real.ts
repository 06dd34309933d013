/**
 * `npm run test:real`'s page step: one scenario made with the real Keras (scripts/real/scenarios.py) exported
 * through the page in every format; scripts/real/check.py then loads each download in the real consumer. Run by
 * scripts/test-real.mjs after the scenarios exist (it is not part of `npm test`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import { gotoWithoutExample } from '../helpers';

const SCENARIO = join(process.env.GRAFT_REAL_WORK ?? join('.real', 'work'), 'keras-dense-widened');
const FILE_NAMES: Record<string, string> = { keras: 'merged.weights.h5', 'keras-legacy': 'merged.h5', safetensors: 'merged.safetensors' };

test('a widened Keras model exported from the page in every format, each saved for the real libraries', async ({ page }) => {
  const scenario = JSON.parse(readFileSync(join(SCENARIO, 'scenario.json'), 'utf8')) as { old: string; new: string };
  await gotoWithoutExample(page);
  await page.getByTestId('replace-old-input').setInputFiles(join(SCENARIO, scenario.old));
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).not.toHaveText('', { timeout: 30_000 });
  await page.getByTestId('replace-new-input').setInputFiles(join(SCENARIO, scenario.new));
  await expect(page.getByTestId('export-open')).toBeEnabled({ timeout: 30_000 });
  await page.getByTestId('export-open').click();
  const panel = page.getByTestId('export-panel');
  for (const format of ['tf', 'keras', 'keras-legacy', 'safetensors', 'tfjs']) {
    await panel.getByTestId('export-format').selectOption(format);
    await panel.getByTestId('export-start').click();
    const link = panel.getByTestId('export-download');
    await expect(link).toBeVisible({ timeout: 60_000 });
    await expect(panel.getByTestId('export-load-line')).not.toHaveText('');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const folder = join(SCENARIO, 'out', 'page', format);
    mkdirSync(folder, { recursive: true });
    const bytes = readFileSync((await download.path())!);
    if (download.suggestedFilename().endsWith('.zip')) {
      for (const [name, data] of Object.entries(unzipSync(new Uint8Array(bytes)))) {
        const path = join(folder, format === 'tf' ? name.replace(/^[^.]*/, 'merged') : name);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, data);
      }
    } else {
      writeFileSync(join(folder, FILE_NAMES[format]!), bytes);
    }
  }
});
