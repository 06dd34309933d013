import { test, expect } from './helpers';
import { dropFiles, gotoWithoutExample } from './helpers';

const FIRST_LOAD = { timeout: 30_000 };

/** A safetensors file of float32 tensors (8-byte header length, JSON header, data): values are sin(i + name length). */
function safetensors(tensors: Record<string, number[]>): Uint8Array {
  let offset = 0;
  const header: Record<string, unknown> = {};
  const parts: Uint8Array[] = [];
  for (const [name, shape] of Object.entries(tensors)) {
    const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i + name.length));
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + values.byteLength] };
    offset += values.byteLength;
    parts.push(new Uint8Array(values.buffer));
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const length = new Uint8Array(8);
  new DataView(length.buffer).setUint32(0, json.length, true);
  return Uint8Array.from([...length, ...json, ...parts.flatMap((p) => [...p])]);
}

// d1 widened from 3 to 5 units, `ins` inserted after it; `out` reads the widened units through it.
const NEW_MODEL = JSON.stringify({
  class_name: 'Sequential',
  config: {
    name: 'grown',
    layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32', name: 'x' } },
      { class_name: 'Dense', config: { name: 'd1', units: 5, activation: 'relu', use_bias: true } },
      { class_name: 'Dense', config: { name: 'ins', units: 5, activation: 'linear', use_bias: true } },
      { class_name: 'Dense', config: { name: 'out', units: 2, activation: 'linear', use_bias: true } },
    ],
  },
});

test('keep the function: a widened kernel offers Net2Net growth, previews what changes, applies it as one undo step', async ({ page }) => {
  await gotoWithoutExample(page);
  await dropFiles(page, [{ path: 'old.safetensors', bytes: safetensors({ 'd1/kernel': [4, 3], 'd1/bias': [3], 'out/kernel': [3, 2], 'out/bias': [2] }) }]);
  await expect(page.getByTestId('slot-old').getByTestId('slot-label')).toContainText('old.safetensors', FIRST_LOAD);
  await dropFiles(page, [{ path: 'new.json', bytes: new TextEncoder().encode(NEW_MODEL) }], '[data-testid="slot-new"]');
  await expect(page.getByTestId('canvas')).toBeVisible(FIRST_LOAD);

  // A bias has no such action; the widened kernel has.
  await page.getByTestId('node-new-d1/bias').click();
  await expect(page.getByTestId('tensor-name')).toHaveText('d1/bias');
  await expect(page.getByTestId('keep-function')).toHaveCount(0);
  await page.getByTestId('node-new-d1/kernel').click();
  await expect(page.getByTestId('tensor-name')).toHaveText('d1/kernel');
  await expect(page.getByTestId('step-0')).toHaveAttribute('data-op', 'pad');

  await page.getByTestId('keep-function-propose').click();
  const preview = page.getByTestId('keep-function-preview');
  await expect(preview).toContainText('d1: 3 → 5 units');
  await expect(preview).toContainText('out/kernel (divide-replicated)');
  await expect(preview).toContainText('Inserted as identity: ins');
  await page.getByTestId('keep-function-apply').click();
  await expect(page.getByTestId('step-0')).toHaveAttribute('data-op', 'net2wider');
  await expect(page.getByTestId('edge-out/kernel')).toHaveAttribute('data-status', 'transformed');

  // The inserted layer's kernel is made by its step, and its preview shows the identity's values.
  await page.getByTestId('node-new-ins/kernel').click();
  await expect(page.getByTestId('tensor-name')).toHaveText('ins/kernel');
  await expect(page.getByTestId('inspector-made')).toBeVisible();
  await expect(page.getByTestId('step-0')).toHaveAttribute('data-op', 'identity');
  await expect(page.getByTestId('inspector-status')).toHaveAttribute('data-status', 'transformed');
  await expect(page.getByTestId('preview-after-stats')).toContainText('max 1 · mean 0.2 · zeros 20');
  await page.getByTestId('node-new-d1/kernel').click();
  await expect(page.getByTestId('tensor-name')).toHaveText('d1/kernel');

  // One undo step takes the whole change back.
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('step-0')).toHaveAttribute('data-op', 'pad');
});
