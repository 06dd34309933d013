// The script writes Keras and TF.js files by layout data computed here; these tests hold that data against what
// Graft's own writers write for the same models, so a change to a writer that the script does not follow fails here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import h5wasm from 'h5wasm';
import { describe, expect, it } from 'vitest';
import { MemoryFolder } from '../io/output';
import { createWriter, outputFileName, type OutputFormat } from '../formats/writers';
import { ELEMENT_SIZE, elementCount } from '../model/dtypes';
import { buildTarget } from '../model/target/build';
import type { TargetModel } from '../model/target-model';
import { kerasLayout, outputLayout, tfjsLayout } from './python-layout';

const TESTDATA = path.join(path.dirname(fileURLToPath(import.meta.url)), '../model/target/testdata');
const MODELS = ['keras3-sequential', 'keras3-nested', 'keras2-sequential', 'keras3-functional'];
const load = (name: string) => buildTarget({ text: readFileSync(path.join(TESTDATA, `${name}.json`), 'utf8'), fileName: `${name}.json` });

/** What Graft's writer writes for `target`, every variable zero. */
async function written(format: OutputFormat, target: TargetModel): Promise<Map<string, Uint8Array>> {
  const out = new MemoryFolder();
  const writer = await createWriter(format, { out, target, name: 'm', ...(target.topology !== undefined && { modelTopology: target.topology }) });
  for (const v of target.variables) await writer.add({ name: v.name, dtype: v.dtype, shape: v.shape, bytes: new Uint8Array(elementCount(v.shape) * ELEMENT_SIZE[v.dtype]) });
  await writer.finish();
  return out.files;
}

/** Datasets (path, the "dtype" attribute) and the string attributes of the root and of every group, read with h5wasm. */
async function h5Structure(bytes: Uint8Array) {
  const { FS } = (await h5wasm.ready) as unknown as { FS: { writeFile(p: string, b: Uint8Array): void; unlink(p: string): void } };
  const p = `/python-layout-${Math.random().toString(36).slice(2)}.h5`;
  FS.writeFile(p, bytes);
  const f = new h5wasm.File(p, 'r');
  const datasets: Record<string, string | null> = {};
  const attrs: [string, string, unknown][] = [];
  const attrsOf = (g: InstanceType<typeof h5wasm.Group>, at: string) => {
    for (const [k, a] of Object.entries(g.attrs)) if (at !== '' || k !== 'dtype') attrs.push([at, k, a.json_value]);
  };
  const walk = (g: InstanceType<typeof h5wasm.Group>, prefix: string) => {
    for (const k of g.keys()) {
      const c = g.get(k);
      const at = prefix ? `${prefix}/${k}` : k;
      if (c instanceof h5wasm.Group) {
        attrsOf(c, at);
        walk(c, at);
      } else if (c instanceof h5wasm.Dataset) {
        const declared = c.attrs.dtype?.json_value;
        datasets[at] = typeof declared === 'string' ? declared : null;
      }
    }
  };
  attrsOf(f, '');
  walk(f, '');
  f.close();
  FS.unlink(p);
  return { datasets, attrs: attrs.sort((a, b) => `${a[0]}/${a[1]}`.localeCompare(`${b[0]}/${b[1]}`)) };
}

describe('the script\'s Keras layout is the one Graft\'s Keras writer writes', () => {
  for (const [format, layout] of [['keras', 'keras3'], ['keras-legacy', 'legacy']] as const) {
    it(`${format}: every dataset path, its dtype attribute, and every attribute of the root and the groups`, async () => {
      for (const name of MODELS) {
        const target = await load(name);
        const { datasets, attrs } = await h5Structure((await written(format, target)).get(outputFileName(format, 'm'))!);
        const mine = kerasLayout(target.variables, layout, target.topology);
        expect(Object.fromEntries(Object.values(mine.datasets).map(([at, , declared]) => [at, declared])), name).toEqual(datasets);
        const expected: [string, string, unknown][] = [...mine.rootAttrs.map(([k, v]) => ['', k, v] as [string, string, unknown]), ...mine.groupAttrs];
        expect(expected.sort((a, b) => `${a[0]}/${a[1]}`.localeCompare(`${b[0]}/${b[1]}`)), name).toEqual(attrs);
      }
    });
  }
});

describe('the script\'s TF.js model.json is the one Graft\'s TF.js writer writes', () => {
  it('byte for byte, once the shard names are in', async () => {
    // keras3-functional has a GRU with reset_after=True, which TF.js cannot express: Graft refuses it as tfjs.
    for (const name of MODELS.filter((m) => m !== 'keras3-functional')) {
      const target = await load(name);
      const graft = new TextDecoder().decode((await written('tfjs', target)).get('model.json')!);
      const { modelJson, stored } = await tfjsLayout(target, target.variables);
      const paths = (JSON.parse(graft) as { weightsManifest: { paths: string[] }[] }).weightsManifest[0]!.paths;
      expect(modelJson.replace('"weightsManifest":[{"paths":[]', `"weightsManifest":[{"paths":${JSON.stringify(paths)}`), name).toBe(graft);
      expect(Object.keys(stored), name).toEqual(target.variables.map((v) => v.name));
    }
  });
});

describe('the script\'s safetensors names are the ones Graft\'s safetensors writer writes', () => {
  it('every tensor name, a Keras 3 DepthwiseConv2D kernel renamed included', async () => {
    for (const name of [...MODELS, 'keras3-zoo']) {
      const target = await load(name);
      const file = (await written('safetensors', target)).get(outputFileName('safetensors', 'm'))!;
      const headerLength = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
      const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength))) as Record<string, unknown>;
      const layout = await outputLayout('safetensors', target, target.variables);
      // SAFETENSORS_NAMES, when there, is a dict literal of one `"variable": "tensor",` line per renamed variable
      const renamed = new Map(layout.constants.filter((l) => l.startsWith('    ')).map((l) => JSON.parse(`[${l.trim().replace(/,$/, '').replace('": "', '", "')}]`) as [string, string]));
      if (renamed.size > 0) expect(layout.write, name).toContain('SAFETENSORS_NAMES.get(name, name)');
      expect(target.variables.map((v) => renamed.get(v.name) ?? v.name).sort(), name).toEqual(Object.keys(header).sort());
    }
    const zoo = await outputLayout('safetensors', await load('keras3-zoo'), (await load('keras3-zoo')).variables);
    expect(zoo.constants).toContain('    "depthwise/depthwise_kernel": "depthwise/kernel",');
  });
});
