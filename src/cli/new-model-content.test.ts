import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../core/errors';
import { inspectTarget } from './inspect-target';
import { openTarget } from './match';

const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures');
const HERE = path.dirname(new URL(import.meta.url).pathname);
const scratch = () => mkdtempSync(path.join(tmpdir(), 'graft-new-model-'));

async function inspect(file: string): Promise<string[]> {
  const lines: string[] = [];
  await inspectTarget(file, { json: false }, (l) => lines.push(l));
  return lines;
}

describe('any Keras file is the new model, by content', () => {
  it('a full-model .h5 is built from its model_config, in inspect --target as in match (whatever its name)', async () => {
    const dir = scratch();
    const renamed = path.join(dir, 'regression-model.bin');
    copyFileSync(path.join(FIXTURES, 'keras2-h5-fullmodel-regression/my_model.h5'), renamed);
    const lines = await inspect(renamed);
    expect(lines[0]).toMatch(/\(new model, keras-json\)/);
    const target = await openTarget(renamed);
    expect(target.source).toBe('keras-json');
    expect(target.variables.every((v) => v.initializer.kind === 'template')).toBe(true);
  });

  it('a model.to_json() file not named .json is a model JSON', async () => {
    const dir = scratch();
    const truth = JSON.parse(readFileSync(path.join(HERE, '../core/model/target/testdata/keras-layers.json'), 'utf8')) as { models: { name: string; config: unknown }[] };
    const file = path.join(dir, 'transformer');
    writeFileSync(file, JSON.stringify(truth.models.find((m) => m.name === 'transformer_block')!.config));
    const target = await openTarget(file);
    expect(target.source).toBe('keras-json');
    expect(target.variables.map((v) => v.name).slice(0, 2)).toEqual(['mha/query/kernel', 'mha/query/bias']);
  });

  it('match/apply refuse a model with a layer Graft cannot build, naming the layer and its class; inspect --target lists it', async () => {
    const dir = scratch();
    const file = path.join(dir, 'custom.json');
    writeFileSync(file, JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 3], name: 'in' } }, { class_name: 'MyLayer', config: { name: 'mine' } }] } }));
    const refused = await openTarget(file).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GraftError);
    expect((refused as GraftError).message).toMatch(/mine \(MyLayer\)/);
    expect((await inspect(file)).join('\n')).toMatch(/warning: layer mine \(MyLayer\) could not be built/);
  });
});
