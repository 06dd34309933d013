// The page's export into a folder (File System Access API) and its self-check. Playwright cannot drive the folder
// picker, so `showDirectoryPicker` answers with a fresh folder of the origin private file system: a real
// FileSystemDirectoryHandle, written by the worker exactly as a picked folder would be. Its files are read back and
// compared with what `graft apply` writes for the same inputs.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { FIXTURES, expect, gotoWithoutExample, test } from './helpers';

const HOUSES = join(FIXTURES, 'tf1-saver-houseprices');
const houses = ['model.ckpt.index', 'model.ckpt.data-00000-of-00001'].map((f) => join(HOUSES, f));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function openPair(page: Page, old: string[], neu: string[]): Promise<void> {
  await page.addInitScript(() => {
    (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle(`picked-${Date.now()}`, { create: true });
  });
  await gotoWithoutExample(page);
  await page.getByTestId('replace-old-input').setInputFiles(old);
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).not.toHaveText('', { timeout: 30_000 });
  await page.getByTestId('replace-new-input').setInputFiles(neu);
  await expect(page.getByTestId('export-open')).toBeEnabled({ timeout: 20_000 });
}

/** Every file of the folder the page wrote into (the last picked one), by name. */
async function pickedFiles(page: Page): Promise<Map<string, Uint8Array>> {
  const files = await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const names: string[] = [];
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    const dir = await root.getDirectoryHandle(names.filter((n) => n.startsWith('picked-')).sort().pop()!);
    const out: [string, string][] = [];
    for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
      const bytes = new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      out.push([name, btoa(s)]);
    }
    return out;
  });
  return new Map(files.map(([name, b64]) => [name, new Uint8Array(Buffer.from(b64, 'base64'))]));
}

/** `graft apply OLD NEW --format F --out DIR/merged…`: the CLI's files for the same inputs. */
function cliFiles(old: string, neu: string, format: string, dir: string, out: string, more: string[] = []): Map<string, Uint8Array> {
  mkdirSync(dir, { recursive: true });
  execFileSync(join('node_modules', '.bin', 'tsx'), ['src/cli/main.ts', 'apply', old, neu, '--format', format, '--out', join(dir, out), ...more], { stdio: 'pipe' });
  return new Map(readdirSync(dir).map((name) => [name, new Uint8Array(readFileSync(join(dir, name)))]));
}

test('TF export into a picked folder: the files equal the CLI\'s, and the self-check verifies every variable', async ({ page }, info) => {
  test.slow(); // an export, `graft apply` and a read-back through tsx: minutes on a loaded 2-core machine
  await openPair(page, houses, houses);
  await page.getByTestId('export-open').click();
  const panel = page.getByTestId('export-panel');
  await panel.getByTestId('export-format').selectOption('tf');
  await panel.getByTestId('export-destination').selectOption('folder');
  const total = Number(await panel.getByTestId('export-summary').locator('p b').first().textContent());
  expect(total).toBeGreaterThan(0);
  await panel.getByTestId('export-start').click();
  await expect(panel.getByTestId('export-folder-done')).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByTestId('export-download')).toHaveCount(0);
  const check = panel.getByTestId('export-check');
  await expect(check).toHaveAttribute('data-state', 'ok', { timeout: 30_000 });
  await expect(panel.getByTestId('export-check-count')).toHaveText(`verified: ${total}/${total}`);

  const written = await pickedFiles(page);
  const prefix = join(HOUSES, 'model.ckpt');
  const cli = cliFiles(prefix, prefix, 'tf', info.outputPath('cli'), 'merged.ckpt');
  expect([...written.keys()].sort()).toEqual([...cli.keys()].sort());
  for (const [name, bytes] of cli) expect(sha(written.get(name)!), name).toBe(sha(bytes));
  // And Graft's reader finds every variable in them (the files saved to disk, read as the CLI would).
  const dir = info.outputPath('page');
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of written) writeFileSync(join(dir, name), bytes);
  const back = execFileSync(join('node_modules', '.bin', 'tsx'), ['e2e/read-export.ts', ...[...written.keys()].filter((n) => n.startsWith('merged.ckpt.')).map((n) => join(dir, n))], { encoding: 'utf8' });
  expect(back.trim().split('\n').length).toBe(total);
});

test('safetensors with a max shard size into a picked folder: several shards and the index, equal to the CLI\'s, every variable verified', async ({ page }, info) => {
  test.slow(); // an export and `graft apply` through tsx: minutes on a loaded 2-core machine
  await openPair(page, houses, houses);
  await page.getByTestId('export-open').click();
  const panel = page.getByTestId('export-panel');
  await panel.getByTestId('export-format').selectOption('keras');
  await expect(panel.getByTestId('export-shard-size')).toHaveCount(0); // only tf and safetensors are sharded
  await panel.getByTestId('export-format').selectOption('safetensors');
  await panel.getByTestId('export-destination').selectOption('folder');
  // A value that is not a size says why and keeps Start off.
  await panel.getByTestId('export-shard-size').fill('4 bananas');
  await expect(panel.getByTestId('export-shard-size-error')).toContainText('not "4 bananas"');
  await expect(panel.getByTestId('export-start')).toBeDisabled();
  await panel.getByTestId('export-shard-size').fill('4KB');
  await expect(panel.getByTestId('export-shard-size-error')).toHaveCount(0);
  const total = Number(await panel.getByTestId('export-summary').locator('p b').first().textContent());
  expect(total).toBeGreaterThan(0);
  await panel.getByTestId('export-start').click();
  await expect(panel.getByTestId('export-folder-done')).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByTestId('export-check')).toHaveAttribute('data-state', 'ok', { timeout: 30_000 });
  await expect(panel.getByTestId('export-check-count')).toHaveText(`verified: ${total}/${total}`);
  await expect(panel.getByTestId('export-load-line')).toContainText('merged.safetensors.index.json');

  const written = await pickedFiles(page);
  const names = [...written.keys()].sort();
  const shards = names.filter((n) => /^merged-\d{5}-of-\d{5}\.safetensors$/.test(n));
  expect(shards.length).toBeGreaterThan(1);
  expect(shards.every((n) => n.endsWith(`-of-${String(shards.length).padStart(5, '0')}.safetensors`))).toBe(true);
  expect(names).toEqual([...shards, 'merged.safetensors.index.json'].sort());
  for (const n of shards) expect(written.get(n)!.byteLength, n).toBeLessThanOrEqual(4000 + 8 + 4096); // data ≤ 4 KB, plus its header
  const index = JSON.parse(new TextDecoder().decode(written.get('merged.safetensors.index.json'))) as { weight_map: Record<string, string> };
  expect(new Set(Object.values(index.weight_map))).toEqual(new Set(shards));
  const prefix = join(HOUSES, 'model.ckpt');
  const cli = cliFiles(prefix, prefix, 'safetensors', info.outputPath('cli'), 'merged', ['--max-shard-size', '4KB']);
  expect(names).toEqual([...cli.keys()].sort());
  for (const [name, bytes] of cli) expect(sha(written.get(name)!), name).toBe(sha(bytes));
});

test('a zipped download is self-checked too, and the load line can be copied', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openPair(page, houses, houses);
  await page.getByTestId('export-open').click();
  const panel = page.getByTestId('export-panel');
  await panel.getByTestId('export-format').selectOption('tfjs');
  await panel.getByTestId('export-destination').selectOption('download');
  await panel.getByTestId('export-start').click();
  await expect(panel.getByTestId('export-download')).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByTestId('export-check')).toHaveAttribute('data-state', 'ok', { timeout: 30_000 });
  const total = Number(await panel.getByTestId('export-check').getAttribute('data-total'));
  expect(total).toBeGreaterThan(0);
  await expect(panel.getByTestId('export-check-count')).toHaveText(`verified: ${total}/${total}`);
  const line = (await panel.getByTestId('export-load-line').textContent()) ?? '';
  expect(line.length).toBeGreaterThan(10);
  await panel.getByTestId('export-load-copy').click();
  await expect(panel.getByTestId('export-load-copy')).toHaveText('Copied ✓');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(line);
});
