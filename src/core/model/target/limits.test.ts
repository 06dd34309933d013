import { describe, expect, it } from 'vitest';
import { isGraftError } from '../../errors';
import { tfjsTopology } from '../../formats/tfjs/topology';
import { buildTarget } from './build';
import { MAX_JSON_DEPTH, nestsDeeperThan, shapeProblem } from './limits';

const build = (text: string) => buildTarget({ text, fileName: 'model.json' });

async function refusal(p: Promise<unknown>): Promise<string> {
  const t0 = performance.now();
  const e = await p.then(() => null, (err: unknown) => err);
  expect(performance.now() - t0).toBeLessThan(2000);
  expect(isGraftError(e), String(e)).toBe(true);
  return (e as Error).message;
}

/** `depth` Sequential models each holding the next, the innermost holding one Dense layer. */
function nestedSequentials(depth: number): string {
  let inner = '{"class_name":"Dense","config":{"name":"d","units":2}}';
  for (let i = 0; i < depth; i++) {
    inner = `{"class_name":"Sequential","config":{"name":"s${i}","layers":[{"class_name":"InputLayer","config":{"batch_input_shape":[null,3],"name":"in${i}"}},${inner}]}}`;
  }
  return `{"class_name":"Sequential","config":{"name":"top","layers":[{"class_name":"InputLayer","config":{"batch_input_shape":[null,3],"name":"in"}},${inner}]},"keras_version":"2.15.0","backend":"tensorflow"}`;
}

const list = (shape: string, dtype = 'float32') => `[{"name":"a","shape":${shape},"dtype":"${dtype}"}]`;

describe('new-model JSON limits', () => {
  it('refuses a deeply nested topology when it is parsed, before anything is built or exported', async () => {
    expect(await refusal(build(nestedSequentials(20_000)))).toMatch(/^model\.json: the model JSON nests deeper than 256 levels/);
    let arrays = '1';
    for (let i = 0; i < 100_000; i++) arrays = `[${arrays}]`;
    const junk = `{"modelTopology":{"model_config":{"class_name":"Sequential","config":{"name":"x","layers":[{"class_name":"Dense","config":{"name":"d","units":2,"junk":${arrays}}}]}}}}`;
    expect(await refusal(build(junk))).toMatch(/nests deeper than 256 levels/);
    // The TF.js export's own entry refuses it too (a topology that reached it some other way).
    expect(() => tfjsTopology(JSON.parse(junk).modelTopology, 'model.json')).toThrow(/model\.json: the model topology nests deeper than 256/);
  });

  it('builds a model nested 60 levels deep (under the cap) and writes its topology', async () => {
    const t = await build(nestedSequentials(60));
    expect(nestsDeeperThan(JSON.parse(nestedSequentials(60)), MAX_JSON_DEPTH)).toBe(false);
    expect(t.variables.map((v) => `${v.name} ${v.shape.join('x')}`)).toEqual(['d/kernel 3x2', 'd/bias 2']);
    expect(JSON.stringify(tfjsTopology(t.topology, 'model.json').topology)).toContain('"s59"');
  });

  it('refuses list shapes that are negative, fractional, unsafe or too large, at parse', async () => {
    expect(await refusal(build(list('[-3,4]')))).toMatch(/^model\.json: variable a has shape \[-3,4\]; expected a list of at most 64 non-negative whole numbers/);
    expect(await refusal(build(list('[1.5]')))).toMatch(/shape \[1\.5\]; expected/);
    expect(await refusal(build(list('[1e300]')))).toMatch(/shape \[1e\+300\]; expected/);
    expect(await refusal(build(list('[9007199254740993]')))).toMatch(/expected a list of at most 64/);
    expect(await refusal(build(list(JSON.stringify(new Array(65).fill(1)))))).toMatch(/shape a list of 65 entries; expected/);
    expect(await refusal(build(list('[1000000,1000000]')))).toMatch(/shape \[1000000,1000000\], 1\.00e\+12 values of float32; Graft makes variables of at most 4 GiB/);
    expect(await refusal(build(list('[1099511627776,1099511627776]', 'int8')))).toMatch(/1\.21e\+24 values of int8/);
    const manifest = `{"format":"graph-model","modelTopology":{"node":[]},"weightsManifest":[{"paths":["a.bin"],"weights":[{"name":"w","shape":[-1,3],"dtype":"float32"}]}]}`;
    expect(await refusal(build(manifest))).toMatch(/variable w has shape \[-1,3\]/);
  });

  it('refuses a layer whose config makes a variable too large to hold, before any value is made', async () => {
    const dense = (units: number) => `{"class_name":"Sequential","config":{"name":"s","layers":[{"class_name":"InputLayer","config":{"batch_input_shape":[null,4],"name":"in"}},{"class_name":"Dense","config":{"name":"d","units":${units}}}]},"keras_version":"2.15.0"}`;
    expect(await refusal(build(dense(1e12)))).toMatch(/^model\.json: variable d\/kernel has shape \[4,1000000000000\], 4\.00e\+12 values of float32/);
  });

  it('bounds the length and number of warnings a hostile config makes TF.js write', async () => {
    const junk = 'x'.repeat(20_000);
    const layers = Array.from({ length: 120 }, (_, i) => `{"class_name":"Dense","config":{"name":"d${i}","units":2,"kernel_initializer":"${junk}${i}"}}`);
    const t0 = performance.now();
    const t = await build(`{"class_name":"Sequential","config":{"name":"s","layers":[{"class_name":"InputLayer","config":{"batch_input_shape":[null,4],"name":"in"}},${layers.join(',')}]},"keras_version":"2.15.0"}`);
    expect(performance.now() - t0).toBeLessThan(10_000);
    const sentences = [...t.warnings, ...(t.unbuilt ?? []).map((u) => u.reason)];
    expect(sentences.join('')).toContain('xxxx'); // TF.js' message quoting the config is there, cut short
    expect(Math.max(...sentences.map((w) => w.length))).toBeLessThan(1100);
    expect(t.warnings.length).toBeLessThanOrEqual(101);
  });

  it('keeps real shapes and counts bytes by dtype', async () => {
    expect(shapeProblem([], 'float32')).toBeUndefined();
    expect(shapeProblem([0, 5], 'float32')).toBeUndefined();
    expect(shapeProblem([262_144, 4096], 'float32')).toBeUndefined();
    expect(shapeProblem([262_144, 4097], 'float32')).toMatch(/at most 4 GiB/);
    expect(shapeProblem([262_144, 8192], 'bfloat16')).toBeUndefined();
    const t = await build(list('[3,4]'));
    expect((await t.defaultValue('a', 0)).byteLength).toBe(48);
  });
});
