import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ConsoleMessage, type Page, test as base, expect } from '@playwright/test';

/**
 * Console messages a spec may leave, each for a reason; anything else at level error or warning fails the test.
 * `url`: the message must come from this resource (a failed request names it in its location).
 */
const ALLOWED: { text: RegExp; url?: RegExp; spec?: RegExp; why: string }[] = [
  {
    text: /^Failed to load resource: the server responded with a status of 404/,
    url: /\/examples\/manifest\.json$/,
    why: 'gotoWithoutExample answers the example manifest with 404 on purpose: the page then opens empty',
  },
  {
    text: /Content Security Policy/,
    spec: /csp\.spec\.ts$/,
    why: 'csp.spec fetches another origin and injects an inline script on purpose, and checks the violations itself',
  },
];

/** Messages a single test expects (a spec that provokes an error on purpose): `allowConsole(page, /…/)` before it. */
const expectedByPage = new WeakMap<Page, RegExp[]>();

export function allowConsole(page: Page, text: RegExp): void {
  expectedByPage.set(page, [...(expectedByPage.get(page) ?? []), text]);
}

function allowed(page: Page | null, m: ConsoleMessage, spec: string): boolean {
  const text = m.text();
  const url = m.location().url;
  if (ALLOWED.some((a) => a.text.test(text) && (!a.url || a.url.test(url)) && (!a.spec || a.spec.test(spec)))) return true;
  return page !== null && (expectedByPage.get(page) ?? []).some((r) => r.test(text));
}

/**
 * Playwright's `test`, with every page of the test watched: an error or warning on the console (the page's or a
 * worker's) or an uncaught exception fails the test, unless ALLOWED or `allowConsole` lists it.
 */
export const test = base.extend<{ cleanConsole: void }>({
  cleanConsole: [
    async ({ context }, use, testInfo) => {
      const seen: string[] = [];
      const counted = new WeakSet<ConsoleMessage>();
      const record = (page: Page | null, where: string) => (m: ConsoleMessage) => {
        if (counted.has(m) || (m.type() !== 'error' && m.type() !== 'warning')) return;
        counted.add(m);
        if (!allowed(page, m, testInfo.file)) seen.push(`${where} ${m.type()}: ${m.text().slice(0, 600)}${m.location().url ? ` (${m.location().url})` : ''}`);
      };
      const watch = (page: Page) => {
        page.on('console', record(page, 'page'));
        page.on('pageerror', (e) => seen.push(`page uncaught: ${e.message}`));
        page.on('worker', (w) => w.on('console', record(page, 'worker')));
      };
      context.pages().forEach(watch);
      context.on('page', watch);
      await use();
      expect(seen, 'unexpected console errors or warnings').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export const FIXTURES = fileURLToPath(new URL('../../shared/fixtures/', import.meta.url));

export interface ExpectedEntry {
  file: string;
  name: string;
  dtype: string;
  shape: number[];
  shard_id?: number;
  offset?: number;
  size?: number;
}

export function expected(folder: string): ExpectedEntry[] {
  return readFileSync(join(FIXTURES, folder, 'expected.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ExpectedEntry);
}

export function fixtureBytes(folder: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, folder, file)));
}

/** Fixtures the slot specs drop: a Keras 3 `.weights.h5` + model JSON pair, a TF.js model, a Keras 2 `.h5`. */
export const DIABETES = 'keras3-weights-h5-diabetes';
export const TFJS = 'tfjs-layers-adamshannag';
export const TITANIC = 'keras2-h5-weights-titanic';
export const diabetesDrop = (): DroppedFile[] => ['model.weights.h5', 'model.json'].map((f) => ({ path: f, bytes: fixtureBytes(DIABETES, f) }));

export interface DroppedFile {
  path: string;
  bytes: Uint8Array;
}

/**
 * Drops files on the page the way a browser does: a DataTransfer with Files, dispatched as a `drop` event — on the
 * page (Graft sorts them into the slots), or onto the element matching `onto` (a slot card: they replace that slot).
 */
export async function dropFiles(page: Page, files: DroppedFile[], onto?: string): Promise<void> {
  const payload = files.map((f) => ({ name: f.path.split('/').pop()!, data: Buffer.from(f.bytes).toString('base64') }));
  await page.evaluate(({ items, onto }) => {
    const dt = new DataTransfer();
    for (const item of items) {
      const raw = atob(item.data);
      const bytes = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
      dt.items.add(new File([bytes], item.name));
    }
    const target = onto ? document.querySelector(onto) : document.body;
    if (!target) throw new Error(`nothing matches ${onto}`);
    target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { items: payload, onto });
}

/** The number shown in a stats cell (the page writes − for minus). */
export async function shownNumber(page: Page, testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).textContent()) ?? '';
  return Number(text.replace('−', '-'));
}

export function float32Values(bytes: Uint8Array): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export function expectClose(shown: number, actual: number): void {
  // The page shows 5 significant digits, 4 in exponent form.
  expect(Math.abs(shown - actual)).toBeLessThanOrEqual(Math.abs(actual) * 1e-3 + 1e-12);
}

/** Rows of variables shown in one slot's list (the old one unless told), by their exact key. */
export async function shownNames(page: Page, slot: 'old' | 'new' = 'old'): Promise<string[]> {
  return page.getByTestId(`list-${slot}`).getByTestId('variable-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''));
}

/** Opens the page without the built-in example, so only what the test opens is shown. */
export async function gotoWithoutExample(page: Page): Promise<void> {
  await page.route('**/examples/manifest.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/');
  await expect(page.getByTestId('drop-zone')).toBeVisible();
}

/**
 * Where an element is drawn once the canvas has stopped moving: a search fits the view a frame after its results
 * show, so a box read at once may be where the element was before the fit.
 */
export async function settledBox(page: Page, testId: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const frames = () => page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
  let last = await page.getByTestId(testId).boundingBox();
  for (let i = 0; i < 50; i++) {
    await frames();
    const now = await page.getByTestId(testId).boundingBox();
    if (last && now && JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  throw new Error(`${testId} kept moving for 100 frames`);
}
