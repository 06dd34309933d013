import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './helpers';
import type { Page } from '@playwright/test';
import { FIXTURES, gotoWithoutExample } from './helpers';

type Upload = { name: string; mimeType: string; buffer: Buffer };

async function openPair(page: Page, old: Upload[], neu: Upload[]): Promise<void> {
  await gotoWithoutExample(page);
  await page.getByTestId('replace-old-input').setInputFiles(old);
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).not.toHaveText('', { timeout: 30_000 });
  await page.getByTestId('replace-new-input').setInputFiles(neu);
  await expect(page.getByTestId('export-open')).toBeEnabled({ timeout: 20_000 });
}

const file = (name: string, bytes: Uint8Array): Upload => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });

/** A safetensors file of float32 tensors (values 0, 1, 2…), written by hand. */
function safetensors(name: string, shapes: Record<string, number[]>): Upload {
  const header: Record<string, unknown> = {};
  let at = 0;
  for (const [key, shape] of Object.entries(shapes)) {
    const size = shape.reduce((a, b) => a * b, 1) * 4;
    header[key] = { dtype: 'F32', shape, data_offsets: [at, at + size] };
    at += size;
  }
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const data = Buffer.from(new Float32Array(at / 4).map((_, i) => i).buffer);
  return file(name, Buffer.concat([len, json, data]));
}

const SHAPES = { 'fc1.weight': [8, 4], 'fc1.bias': [8], 'fc2.weight': [8, 8], 'fc2.bias': [8], 'head.weight': [3, 8], 'head.bias': [3] };
const prefixed = Object.fromEntries(Object.entries(SHAPES).map(([k, v]) => [`module.${k}`, v]));

test('a truncated old data file: the summary does not say ready and counts the unreadable links incompatible', async ({ page }) => {
  const dir = join(FIXTURES, 'tf1-saver-houseprices');
  const index = file('model.ckpt.index', readFileSync(join(dir, 'model.ckpt.index')));
  const data = readFileSync(join(dir, 'model.ckpt.data-00000-of-00001'));
  await openPair(page, [index, file('model.ckpt.data-00000-of-00001', data.subarray(0, 10000))], [index, file('model.ckpt.data-00000-of-00001', data)]);
  await expect(page.getByTestId('count-incompatible')).toContainText('10');
  await expect(page.getByTestId('readiness')).not.toHaveText(/ready/i);
  await expect(page.getByTestId('readiness')).toContainText('need attention');
});

test('triage under the summary: a wrapper prefix offered as a rule that Add rule adds; the report downloads as Markdown', async ({ page }) => {
  await openPair(page, [safetensors('old.safetensors', prefixed)], [safetensors('new.safetensors', SHAPES)]);
  const item = page.getByTestId('triage').locator('[data-kind="renamed-scope"]');
  await expect(item).toContainText(/The old names lose their module\. prefix: 6 variables linked through it/);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
  expect(download.suggestedFilename()).toBe('graft-report.md');
  const md = readFileSync((await download.path())!, 'utf8');
  expect(md).toContain('# Graft match: old.safetensors → new.safetensors');
  expect(md).toContain('6 new variables: 6 exact');
  expect(md).toContain('## Unexpected (0)');

  await item.getByRole('button', { name: 'Add rule' }).click();
  await expect(page.getByTestId('triage').locator('[data-kind="renamed-scope"]')).toHaveCount(0);
  await expect(page.getByTestId('count-exact')).toContainText('6');
  await page.getByTestId('rules-toggle').click();
  await expect(page.getByTestId('rule-0-from')).toHaveValue('module.');
});
