import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../core/errors';
import { FIXTURES } from '../core/formats/tf-bundle/fixtures.test-util';
import { emptyRecipe } from '../core/mapping';
import { apply, applyCommand, type ApplyCliOptions, type ProgressStream } from './apply';
import { openForCli } from './inspect';
import { match } from './match';
import { DiskOutputFolder, writeAtomically } from './output-folder';

const HOUSE = join(FIXTURES, 'tf1-saver-houseprices');
const HAWKS = join(FIXTURES, 'tf2-keras-saveweights-nighthawks/training_2/cp-0000.ckpt');
const quiet: ProgressStream = { isTTY: false, write: () => true };
const opts = (o: Partial<ApplyCliOptions> & { out: string }): ApplyCliOptions => ({ format: 'tf', initialiseIncompatible: false, progress: quiet, ...o });
const tmp = () => mkdtempSync(join(tmpdir(), 'graft-apply-'));
const run = async (oldPath: string, newPath: string, o: Partial<ApplyCliOptions> & { out: string }) => {
  const lines: string[] = [];
  const r = await apply(oldPath, newPath, opts(o), (l) => lines.push(l));
  return { ...r, lines };
};

describe('graft apply', () => {
  for (const [label, prefix] of [['TF2 object-based (nighthawks)', HAWKS], ['TF1 Saver with Adam slots (houseprices)', join(HOUSE, 'model.ckpt')]] as const) {
    it(`identity → tf rewrites ${label} byte for byte`, async () => {
      const dir = tmp();
      const { lines } = await run(prefix, prefix, { out: join(dir, 'merged.ckpt') });
      expect(readFileSync(join(dir, 'merged.ckpt.index')).equals(readFileSync(`${prefix}.index`))).toBe(true);
      expect(readFileSync(join(dir, 'merged.ckpt.data-00000-of-00001')).equals(readFileSync(`${prefix}.data-00000-of-00001`))).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(['checkpoint', 'merged.ckpt.data-00000-of-00001', 'merged.ckpt.index']);
      expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).toBe('model_checkpoint_path: "merged.ckpt"\nall_model_checkpoint_paths: "merged.ckpt"\n');
      expect(lines[0]).toMatch(/^wrote /);
    });
  }

  it('NEW naming the same TF checkpoint as OLD reuses the opened one: same plan and files as NEW opened on its own', async () => {
    for (const prefix of [HAWKS, join(HOUSE, 'model.ckpt')]) {
      const [same, apart] = [tmp(), tmp()];
      const a = await run(prefix, prefix, { out: join(same, 'm.ckpt'), format: 'safetensors' });
      // The .index names the same checkpoint by another path, so openTarget opens it again.
      const b = await run(prefix, `${prefix}.index`, { out: join(apart, 'm.ckpt'), format: 'safetensors' });
      expect(a.plan).toEqual(b.plan);
      expect(readFileSync(join(same, 'm.ckpt.safetensors')).equals(readFileSync(join(apart, 'm.ckpt.safetensors')))).toBe(true);
    }
  });

  it('applies a recipe with transforms: the sliced variable holds the old values, the rest as the plan says', async () => {
    const dir = tmp();
    const recipePath = join(dir, 'r.json');
    // Keeping 10 of 1000 rows is only proposed (a guess): accepting guesses puts the slice in the recipe.
    await match(join(HOUSE, 'model_longtrain.ckpt'), join(HOUSE, 'model.ckpt'), { rules: [], json: false, accept: 'guess', includeOptimizer: false, out: recipePath }, () => {});
    const { plan } = await run(join(HOUSE, 'model_longtrain.ckpt'), join(HOUSE, 'model.ckpt'), { recipe: recipePath, out: join(dir, 'new.ckpt'), python: join(dir, 'merge.py') });
    expect(readFileSync(join(dir, 'merge.py'), 'utf8')).toContain('yield checked("Variable_8", "float32", (10, 1), old.get("Variable_6")[0:10])');
    const sliced = plan.entries.find((e) => e.to === 'Variable_8')!;
    expect(sliced).toMatchObject({ status: 'transformed', from: ['Variable_6'], transforms: [{ op: 'slice', axis: 0, start: 0, size: 10 }] });
    const old = await openForCli(join(HOUSE, 'model_longtrain.ckpt'));
    const merged = await openForCli(join(dir, 'new.ckpt'));
    const src = await old.read('Variable_6');
    const rowBytes = src.byteLength / old.tensors.find((t) => t.name === 'Variable_6')!.shape[0]!;
    expect(Buffer.from(await merged.read('Variable_8')).equals(Buffer.from(src.subarray(0, 10 * rowBytes)))).toBe(true);
    expect(Buffer.from(await merged.read('Variable')).equals(Buffer.from(await old.read('Variable')))).toBe(true);
    // Every variable of the new model is there, with its shape.
    const template = await openForCli(join(HOUSE, 'model.ckpt'));
    expect(merged.tensors.map((t) => [t.name, t.shape])).toEqual(template.tensors.map((t) => [t.name, t.shape]));
  });

  it('without a recipe it applies what graft match shows as made, says what it left out, and how to load the result', async () => {
    const dir = tmp();
    const matched: string[] = [];
    await match(join(HOUSE, 'model_longtrain.ckpt'), join(HOUSE, 'model.ckpt'), { rules: [], json: true, accept: 'likely', includeOptimizer: false }, (l) => matched.push(l));
    const made = matched.map((l) => JSON.parse(l) as { to?: string; status?: string }).filter((e) => e.to && (e.status === 'exact' || e.status === 'transformed'));
    const { plan, lines } = await run(join(HOUSE, 'model_longtrain.ckpt'), join(HOUSE, 'model.ckpt'), { out: join(dir, 'out.ckpt') });
    const applied = plan.entries.filter((e) => e.status === 'exact' || e.status === 'transformed').map((e) => e.to);
    expect(made.length).toBeGreaterThan(0);
    expect(applied.sort()).toEqual(made.map((e) => e.to!).sort());
    expect(lines.find((l) => l.startsWith('left out:'))).toMatch(/proposed links? below the accepted confidence/);
    expect(lines.at(-1)).toBe(`load it with: tf.compat.v1.train.Saver().restore(sess, ${JSON.stringify(join(dir, 'out.ckpt'))})  # in the new graph, after building it`);
  });

  it('refuses an output with no trained value in it unless --allow-empty', async () => {
    const dir = tmp();
    const unrelated = [join(FIXTURES, 'tf1-saver-rnn-aplain/model.ckpt'), join(FIXTURES, 'keras3-weights-h5-diabetes/model.json')] as const;
    const err = await run(...unrelated, { out: join(dir, 'out.ckpt') }).catch((e: unknown) => e);
    expect((err as GraftError).message).toMatch(/no new variable would get a trained value from model.ckpt .*--allow-empty/);
    expect(readdirSync(dir)).toEqual([]);
    const { plan } = await run(...unrelated, { out: join(dir, 'out.ckpt'), allowEmpty: true });
    expect(plan.summary.exact + plan.summary.transformed).toBe(0);
    expect(existsSync(join(dir, 'out.ckpt.index'))).toBe(true);
  });

  it('leaves nothing behind when the plan is refused (incompatible link)', async () => {
    const dir = tmp();
    const recipePath = join(dir, 'bad.json');
    writeFileSync(recipePath, JSON.stringify(emptyRecipe({ links: [{ from: ['Variable_6'], to: 'Variable_8', transforms: [] }] })));
    const err = await run(join(HOUSE, 'model_longtrain.ckpt'), join(HOUSE, 'model.ckpt'), { recipe: recipePath, out: join(dir, 'out.ckpt') }).catch((e: unknown) => e);
    expect((err as GraftError).code).toBe('incompatible');
    expect((err as GraftError).message).toContain('Variable_8');
    expect(readdirSync(dir)).toEqual(['bad.json']);
  });

  it('leaves nothing behind when cancelled midway (Ctrl-C aborts the same signal)', async () => {
    const dir = tmp();
    const controller = new AbortController();
    let lines = 0;
    const progress: ProgressStream = { isTTY: true, write: () => (++lines === 2 && controller.abort(), true) };
    const err = await run(join(HOUSE, 'model.ckpt'), join(HOUSE, 'model.ckpt'), { out: join(dir, 'out.ckpt'), signal: controller.signal, progress }).catch((e: unknown) => e);
    expect((err as GraftError).code).toBe('cancelled');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('progress: a redrawn bar on a terminal, plain lines otherwise', async () => {
    const tty: string[] = [];
    const plain: string[] = [];
    await run(HAWKS, HAWKS, { out: join(tmp(), 'a'), progress: { isTTY: true, write: (s) => tty.push(s) } });
    await run(HAWKS, HAWKS, { out: join(tmp(), 'b'), progress: { isTTY: false, write: (s) => plain.push(s) } });
    expect(tty[0]).toMatch(/^\r\[[#.]+\] +\d+% · /);
    expect(tty.at(-1)).toBe('\n');
    expect(plain.every((l) => l.startsWith('graft apply: ') && l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(plain.at(-1)).toContain('100%');
  });

  it('--format safetensors writes one file Graft reads back with the same values', async () => {
    const dir = tmp();
    const out = join(dir, 'merged.safetensors');
    await run(join(HOUSE, 'model.ckpt'), join(HOUSE, 'model.ckpt'), { out, format: 'safetensors' });
    const back = await openForCli(out);
    const old = await openForCli(join(HOUSE, 'model.ckpt'));
    for (const t of old.tensors) expect(Buffer.from(await back.read(t.name)).equals(Buffer.from(await old.read(t.name)))).toBe(true);
    expect(readdirSync(dir)).toEqual(['merged.safetensors']);
  });

  it('--max-shard-size: tf data files and safetensors shards + index, each read back with the same values', async () => {
    const dir = tmp();
    const old = await openForCli(join(HOUSE, 'model.ckpt'));
    // The largest tensors are 3200 bytes: under a 3000-byte limit each lies alone, the others fill shards of up to 3000.
    const limit = 3000;
    await run(join(HOUSE, 'model.ckpt'), join(HOUSE, 'model.ckpt'), { out: join(dir, 'm.ckpt'), maxShardBytes: limit });
    const data = readdirSync(dir).filter((f) => f.startsWith('m.ckpt.data-'));
    expect(data.length).toBeGreaterThan(1);
    expect(data.every((f) => f.endsWith(`-of-${String(data.length).padStart(5, '0')}`))).toBe(true);
    const { lines } = await run(join(HOUSE, 'model.ckpt'), join(HOUSE, 'model.ckpt'), { out: join(dir, 'm.safetensors'), format: 'safetensors', maxShardBytes: limit });
    const shards = readdirSync(dir).filter((f) => /^m-\d{5}-of-\d{5}\.safetensors$/.test(f));
    expect(shards.length).toBeGreaterThan(1);
    expect(lines.at(-1)).toContain('m.safetensors.index.json');
    for (const path of [join(dir, 'm.ckpt'), join(dir, 'm.safetensors.index.json')]) {
      const back = await openForCli(path);
      for (const t of old.tensors) expect(Buffer.from(await back.read(t.name)).equals(Buffer.from(await old.read(t.name))), `${path}: ${t.name}`).toBe(true);
    }
  });

  it('--max-shard-size takes a size and only tf or safetensors', async () => {
    const dir = tmp();
    const attempt = (...args: string[]) => applyCommand.run([join(HOUSE, 'model.ckpt'), join(HOUSE, 'model.ckpt'), '--out', join(dir, 'x'), ...args], () => {}).catch((e: unknown) => e as GraftError);
    expect((await attempt('--format', 'keras', '--max-shard-size', '1GB'))?.message).toMatch(/--max-shard-size applies to --format tf and safetensors, not keras/);
    expect((await attempt('--max-shard-size', 'big'))?.message).toMatch(/--max-shard-size takes a size/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('the command exits non-zero with one sentence on stderr, and writes nothing', async () => {
    const dir = tmp();
    const r = await promisify(execFile)('node', ['bin/graft.mjs', 'apply', join(dir, 'missing.ckpt'), HAWKS, '--out', join(dir, 'x')]).catch((e: { code: number; stderr: string }) => e);
    expect((r as { code: number }).code).not.toBe(0);
    expect((r as { stderr: string }).stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  // In a fresh process: Vitest loads RE2 for every test, the CLI only for a recipe with regex rules.
  it('a recipe with regex rules is checked and applied with RE2; a bad pattern is refused with a sentence', async () => {
    const dir = tmp();
    const prefix = join(HOUSE, 'model.ckpt');
    const recipe = (from: string) => {
      const path = join(dir, `r${from.length}.json`);
      writeFileSync(path, JSON.stringify(emptyRecipe({ rules: [{ kind: 'regex', from, to: '$1' }] })));
      return path;
    };
    const graftApply = (r: string, out: string) =>
      promisify(execFile)('node', ['bin/graft.mjs', 'apply', prefix, prefix, '--recipe', r, '--match', 'sure', '--out', join(dir, out)]).then(
        (x) => ({ code: 0, stderr: x.stderr }),
        (e: { code: number; stderr: string }) => e,
      );
    expect((await graftApply(recipe('^(.*)$'), 'ok.ckpt')).code).toBe(0);
    expect(readFileSync(join(dir, 'ok.ckpt.data-00000-of-00001')).equals(readFileSync(`${prefix}.data-00000-of-00001`))).toBe(true);
    const bad = await graftApply(recipe('(unclosed'), 'bad.ckpt');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/recipe rules/);
    expect(existsSync(join(dir, 'bad.ckpt.index'))).toBe(false);
  }, 120_000);
});

describe('DiskOutputFolder', () => {
  it('a writer that throws midway leaves no file, not even the temporary folder', async () => {
    const dir = tmp();
    const err = await writeAtomically(dir, async (out) => {
      const a = await out.create('a.bin');
      await a.write(new Uint8Array(1000));
      await a.close();
      const b = await out.create('sub/b.bin');
      await b.write(new Uint8Array(10));
      throw new Error('disk on fire');
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('disk on fire');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('moves files into place only on commit', async () => {
    const parent = tmp();
    const dest = join(parent, 'model');
    const out = await DiskOutputFolder.beside(dest);
    const s = await out.create('model.json');
    await s.write(new TextEncoder().encode('{}'));
    expect(existsSync(join(dest, 'model.json'))).toBe(false);
    await s.close();
    const files = await out.commit();
    expect(files).toEqual([join(dest, 'model.json')]);
    expect(readFileSync(join(dest, 'model.json'), 'utf8')).toBe('{}');
    expect(readdirSync(parent)).toEqual(['model']);
  });
});
