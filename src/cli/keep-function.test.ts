import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRecipeText } from '../core/mapping/recipe-schema';
import { graft } from './graft.test-util';

/** A float32 safetensors file of the given shapes (values are sin(i)). */
function safetensors(tensors: Record<string, number[]>): Uint8Array {
  let offset = 0;
  const header: Record<string, unknown> = {};
  const parts: Buffer[] = [];
  for (const [name, shape] of Object.entries(tensors)) {
    const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i));
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + values.byteLength] };
    offset += values.byteLength;
    parts.push(Buffer.from(values.buffer));
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, ...parts]);
}

const dense = (name: string, units: number) => ({ class_name: 'Dense', config: { name, units, activation: 'linear', use_bias: true } });
const model = (...layers: object[]) => JSON.stringify({ class_name: 'Sequential', config: { name: 'm', layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32', name: 'x' } }, ...layers] } });

describe('graft match --keep-function', () => {
  const dir = mkdtempSync(join(tmpdir(), 'graft-keep-'));
  const old = join(dir, 'old.safetensors');
  writeFileSync(old, safetensors({ 'd1/kernel': [4, 3], 'd1/bias': [3], 'out/kernel': [3, 2], 'out/bias': [2] }));

  it('writes a recipe whose links copy the widened units, divide the reader, and make the inserted layer identity', async () => {
    const neu = join(dir, 'grown.json');
    writeFileSync(neu, model(dense('d1', 5), dense('ins', 5), dense('out', 2)));
    const recipe = join(dir, 'r.json');
    const r = await graft('match', old, neu, '--keep-function', '--widen-mapping', 'cycle', '--out', recipe);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('keep-function: d1 widened 3 → 5, new units copy [0, 1]');
    expect(r.stdout).toContain('keep-function: inserted as identity: ins');
    const links = parseRecipeText(readFileSync(recipe, 'utf8'), recipe).links;
    const to = (name: string) => links.find((l) => l.to === name);
    expect(to('d1/kernel')?.transforms).toEqual([{ op: 'net2wider', axis: 1, mapping: [0, 1, 2, 0, 1] }]);
    expect(to('ins/kernel')).toMatchObject({ from: [], transforms: [{ op: 'identity', shape: [5, 5], dtype: 'float32' }] });
    expect(to('out/kernel')?.transforms).toEqual([{ op: 'divide-replicated', axis: 0, mapping: [0, 1, 2, 0, 1] }]);
  });

  it('refuses with a sentence and a non-zero exit when widened units reach the output', async () => {
    const neu = join(dir, 'wide-out.json');
    writeFileSync(neu, model(dense('d1', 3), dense('out', 4)));
    const r = await graft('match', old, neu, '--keep-function');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("--keep-function: widened units reach the model's output out, which would change its shape");
  });
});
