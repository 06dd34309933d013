import { describe, expect, it } from 'vitest';
import { memorySource, type ByteSource } from '../../io/byte-source';
import { listCandidates, openCheckpoint } from '../registry';
import { f32 } from './builders.test-util';
import { detectTfBundles, parseCheckpointState } from './detect';
import { dataFileName } from './naming';
import { fixtureSources } from './fixtures.test-util';
import { writeTfBundle } from './write';

const text = (s: string) => new TextEncoder().encode(s);

/** A one-tensor bundle per prefix, as dropped files. */
function bundles(...prefixes: string[]): ByteSource[] {
  return prefixes.flatMap((p, i) => {
    const { index, shards } = writeTfBundle([{ name: 'step_marker', dtype: 'float32', shape: [], bytes: f32(i) }]);
    return [memorySource(`${p}.index`, index), memorySource(dataFileName(p, 0, 1), shards[0]!)];
  });
}

const defaultOf = async (files: ByteSource[]) => (await listCandidates(files)).find((c) => c.isDefault)?.id;

describe('checkpoint state files', () => {
  it('parses model_checkpoint_path first, then all paths newest first', () => {
    const state = 'model_checkpoint_path: "ckpt-3"\nall_model_checkpoint_paths: "ckpt-1"\nall_model_checkpoint_paths: "ckpt-2"\nall_model_checkpoint_timestamps: 1.5\n';
    expect(parseCheckpointState(state)).toEqual(['ckpt-3', 'ckpt-2', 'ckpt-1']);
    expect(parseCheckpointState('model_checkpoint_path: "a\\"b\\\\c"')).toEqual(['a"b\\c']);
  });

  it('foreign absolute paths fall back to basenames', async () => {
    const files = [
      ...bundles('run/model.ckpt-500', 'run/model.ckpt-1000'),
      memorySource('run/checkpoint', text('model_checkpoint_path: "/home/someone/exp/run/model.ckpt-500"\nall_model_checkpoint_paths: "C:\\\\Users\\\\x\\\\model.ckpt-500"\n')),
    ];
    expect(await defaultOf(files)).toBe('run/model.ckpt-500');
  });

  it('a state file naming an older step picks that step', async () => {
    const files = [...bundles('a/ckpt-1', 'a/ckpt-2', 'a/ckpt-3'), memorySource('a/checkpoint', text('model_checkpoint_path: "ckpt-2"\n'))];
    expect(await defaultOf(files)).toBe('a/ckpt-2');
    const ckpt = await openCheckpoint(files);
    expect(ckpt.label).toBe('a/ckpt-2');
    expect(await ckpt.read('step_marker')).toEqual(f32(1));
  });

  it('a state file naming a checkpoint that was not dropped: the latest dropped one', async () => {
    const files = [...bundles('t/cp-0005.ckpt', 't/cp-0010.ckpt', 't/cp-0000.ckpt'), memorySource('t/checkpoint', text('model_checkpoint_path: "cp-0050.ckpt"\n'))];
    expect(await defaultOf(files)).toBe('t/cp-0010.ckpt');
  });

  it('relative paths in a nested state file', async () => {
    const files = [...bundles('x/sub/model', 'x/model'), memorySource('x/checkpoint', text('model_checkpoint_path: "sub/model"\n'))];
    expect(await defaultOf(files)).toBe('x/sub/model');
  });

  it('real fixtures: houseprices names model.ckpt; nighthawks names a missing cp-0050', async () => {
    expect(await defaultOf(fixtureSources('tf1-saver-houseprices'))).toBe('model.ckpt');
    expect((await listCandidates(fixtureSources('tf1-saver-houseprices'))).map((c) => c.id)).toEqual(['model_longtrain.ckpt', 'model.ckpt'].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
    expect(await defaultOf(fixtureSources('tf2-keras-saveweights-nighthawks'))).toBe('training_2/cp-0000.ckpt');
  });
});

describe('what people drop', () => {
  it('bare file names', async () => {
    const c = await listCandidates(bundles('model.ckpt'));
    expect(c).toEqual([{ format: 'tf-bundle', id: 'model.ckpt', label: 'model.ckpt', isDefault: true, files: ['model.ckpt.index', 'model.ckpt.data-00000-of-00001'] }]);
  });

  it('a SavedModel folder opens its variables', async () => {
    const files = [...bundles('m/variables/variables'), memorySource('m/saved_model.pb', new Uint8Array([0x0d, 0x0a]))];
    expect(await listCandidates(files)).toEqual([expect.objectContaining({ id: 'm/variables/variables', label: 'm (SavedModel)', isDefault: true })]);
    expect((await openCheckpoint(files)).tensors).toHaveLength(1);
  });

  it('several SavedModels side by side: each is a candidate', async () => {
    const c = await listCandidates(fixtureSources('savedmodel-tfjs-testobjects'));
    expect(c.map((x) => x.id)).toEqual([
      'int64_multiply/variables/variables',
      'module_with_multiple_signatures/variables/variables',
      'times_three_float/variables/variables',
      'uint8_multiply/variables/variables',
    ]);
    expect(c.filter((x) => x.isDefault)).toHaveLength(1);
  });

  it('an .index without the table magic is not preferred over a real one', async () => {
    const files = [...bundles('good'), memorySource('zzz.index', text('not a table at all, but long enough to have a footer...'))];
    const found = await detectTfBundles(files);
    expect(found.map((m) => [m.prefix, m.valid, m.isDefault])).toEqual([
      ['good', true, true],
      ['zzz', false, false],
    ]);
  });

  it('data shards of another prefix are not mixed in', async () => {
    const files = [...bundles('a/model'), ...bundles('a/model_2').filter((f) => !f.path.endsWith('.index'))];
    expect((await listCandidates(files))[0]!.files).toEqual(['a/model.index', 'a/model.data-00000-of-00001']);
  });

  it('detect never throws, even when reading fails', async () => {
    const broken: ByteSource = { path: 'x.index', size: 100, read: () => Promise.reject(new Error('disk on fire')) };
    const state: ByteSource = { path: 'checkpoint', size: 10, read: () => Promise.reject(new Error('gone')) };
    await expect(detectTfBundles([broken, state])).resolves.toEqual([expect.objectContaining({ prefix: 'x', valid: false, isDefault: true })]);
    await expect(listCandidates([])).resolves.toEqual([]);
  });
});
