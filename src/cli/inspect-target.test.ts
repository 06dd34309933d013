import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../core/errors';
import { inspectTarget } from './inspect-target';

const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures');

async function run(file: string, json: boolean): Promise<string[]> {
  const lines: string[] = [];
  await inspectTarget(file, { json }, (l) => lines.push(l));
  return lines;
}

describe('graft inspect --target', () => {
  it('lists the new model with shape, dtype, trainable, layer class and initializer', async () => {
    const lines = await run(path.join(FIXTURES, 'keras3-weights-h5-diabetes/model.json'), false);
    expect(lines[0]).toMatch(/model\.json \(new model, keras-json\): 6 variables, 221 values, 884 B/);
    const kernel = lines.find((l) => l.trim().startsWith('dense/kernel'))!;
    expect(kernel).toMatch(/dense\/kernel\s+float32\s+\[8,12\]\s+trainable\s+Dense\s+GlorotUniform$/);
    expect(lines.find((l) => l.trim().startsWith('dense_2/bias'))).toMatch(/\[1\]\s+trainable\s+Dense\s+Zeros$/);
  });

  it('--json: one object per variable per line, then warnings', async () => {
    const lines = await run(path.join(FIXTURES, 'tfjs-e2e-testdata/layers_model/model.json'), true);
    const rows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({
      name: 'embedding_Embedding2/embeddings', dtype: 'float32', shape: [100, 20], byteLength: 8000, kind: 'weight', trainable: true,
      layer: 'embedding_Embedding2', layerClass: 'Embedding',
      initializer: { kind: 'keras', className: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
      kerasPath: 'layers/embedding/vars/0',
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'graft-target-'));
    const file = path.join(dir, 'm.json');
    writeFileSync(file, JSON.stringify({ class_name: 'Sequential', config: { layers: [{ class_name: 'Odd', config: { name: 'odd' } }] } }));
    const withWarning = (await run(file, true)).map((l) => JSON.parse(l) as { warning?: string });
    expect(withWarning[0]!.warning).toMatch(/odd \(Odd\)/);
  });

  it('a missing file or bad JSON is a GraftError naming the file', async () => {
    await expect(run('/nonexistent/model.json', false)).rejects.toThrow(GraftError);
    await expect(run('/nonexistent/model.json', false)).rejects.toThrow(/\/nonexistent\/model\.json: no such file/);
    const dir = mkdtempSync(path.join(tmpdir(), 'graft-target-'));
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, '{"class_name": ');
    await expect(run(file, false)).rejects.toThrow(/bad\.json: is not valid JSON at line 1, column 16/);
  });
});
