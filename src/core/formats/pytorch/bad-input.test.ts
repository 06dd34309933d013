/** Hostile and damaged inputs: each is a GraftError naming the file with a sentence that says what is wrong. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraftError, type GraftErrorCode } from '../../errors';
import { memorySource, type ByteSource } from '../../io/byte-source';
import { explainFiles, listCandidates, openCheckpoint } from '../registry';
import { bytes, f32, P, stateDictPickle, tensorOps, torchZip } from './pickle.test-util';

const testdata = (name: string) => new Uint8Array(readFileSync(join(__dirname, 'testdata', name)));

async function failure(src: ByteSource): Promise<GraftError> {
  const candidates = await listCandidates([src]);
  const err = await openCheckpoint([src], candidates[0]?.id).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(GraftError);
  return err as GraftError;
}

/** A state dict holding one more entry whose value is `ops`. */
const withEntry = (ops: number[]) => torchZip(stateDictPickle([['w', tensorOps('FloatStorage', '0', 2, 0, [2], [1])], ['x', ops]]), { '0': f32([1, 2]) });

describe('calls that would run code are refused by name', () => {
  const cases: [string, number[], RegExp][] = [
    ['os.system by REDUCE', [...P.global('posix', 'system'), ...P.str('touch /tmp/x'), ...P.tuple1, ...P.reduce], /calls posix\.system \(os\.system\)/],
    ['nt.system', [...P.global('nt', 'system'), ...P.str('calc'), ...P.tuple1, ...P.reduce], /calls nt\.system \(os\.system\)/],
    ['builtins.exec by STACK_GLOBAL', [...P.stackGlobal('builtins', 'exec'), ...P.str('import os'), ...P.tuple1, ...P.reduce], /calls builtins\.exec/],
    ['eval from Python 2 __builtin__', [...P.global('__builtin__', 'eval'), ...P.str('1'), ...P.tuple1, ...P.reduce], /calls builtins\.eval/],
    ['subprocess.Popen by INST', [...P.mark, ...P.str('ls'), ...P.inst('subprocess', 'Popen')], /calls subprocess\.Popen/],
    ['subprocess.Popen by NEWOBJ', [...P.global('subprocess', 'Popen'), ...P.emptyTuple, ...P.newobj], /instantiates subprocess\.Popen/],
    ['getattr chains', [...P.global('builtins', 'getattr'), ...P.global('builtins', 'object'), ...P.str('x'), ...P.tuple2, ...P.reduce], /calls builtins\.getattr/],
    ['a user function', [...P.global('__main__', 'do_it'), ...P.emptyTuple, ...P.reduce], /calls __main__\.do_it/],
    ['a call inside a tensor subclass rebuild', [...P.global('torch._tensor', '_rebuild_from_type_v2'), ...P.mark, ...P.global('os', 'remove'), ...P.none, ...P.str('/x'), ...P.tuple1, ...P.none, ...P.tuple, ...P.reduce], /calls os\.remove/],
  ];
  for (const [what, ops, sentence] of cases) {
    it(what, async () => {
      const err = await failure(memorySource('evil.pt', withEntry(ops)));
      expect(err.code).toBe('unsupported');
      expect(err.file).toBe('evil.pt');
      expect(err.message).toMatch(sentence);
      expect(err.message).toMatch(/Graft never runs code from a pickle/);
    });
  }

  it('in a legacy file too', async () => {
    const legacy = testdata('cnn-legacy.pt');
    // Swap the main pickle's first GLOBAL (collections OrderedDict) for one of the same length that runs code.
    const text = new TextDecoder('latin1').decode(legacy);
    const at = text.indexOf('collections\nOrderedDict\n');
    const evil = legacy.slice();
    evil.set(new TextEncoder().encode('os         \nsystem     \n'.replace(/ /g, '_')), at);
    const err = await failure(memorySource('old.pt', evil));
    expect(err.message).toMatch(/calls os_________\.system_____/);
  });
});

describe('classes that only hold data are kept as inert stand-ins', () => {
  it('an argparse.Namespace and a user class are listed in a note, the weights still read', async () => {
    const ns = [...P.global('argparse', 'Namespace'), ...P.emptyTuple, ...P.newobj, ...P.emptyDict, ...P.str('lr'), ...P.int(3), ...P.setitem, ...P.build];
    const ckpt = await openCheckpoint([memorySource('ok.pt', withEntry(ns))]);
    expect(ckpt.tensors.map((t) => t.name)).toEqual(['w']);
    expect(ckpt.warnings.join('\n')).toMatch(/x \(argparse\.Namespace\)/);
    expect(ckpt.warnings.join('\n')).toMatch(/objects of argparse\.Namespace are kept as data/);
  });
});

describe('damaged and hostile structure', () => {
  const cases: [string, () => Uint8Array, GraftErrorCode, RegExp][] = [
    ['storage record missing', () => torchZip(stateDictPickle([['w', tensorOps('FloatStorage', '7', 2, 0, [2], [1])]]), {}), 'corrupt', /refers to storage 7 but the archive has no archive\/data\/7/],
    ['view past its storage', () => torchZip(stateDictPickle([['w', tensorOps('FloatStorage', '0', 2, 1, [2], [1])]]), { '0': f32([1, 2]) }), 'corrupt', /reaches byte 12 of its storage 0, which has 8/],
    ['storage record shorter than its size', () => torchZip(stateDictPickle([['w', tensorOps('FloatStorage', '0', 4, 0, [2], [1])]]), { '0': f32([1, 2]) }), 'truncated', /should hold 16 bytes but the file has 8/],
    ['size and stride of different ranks', () => torchZip(stateDictPickle([['w', tensorOps('FloatStorage', '0', 2, 0, [2], [1, 1])]]), { '0': f32([1, 2]) }), 'corrupt', /size \(2\) but stride \(1, 1\)/],
    ['a storage class that is not torch\'s', () => torchZip(stateDictPickle([['w', tensorOps('EvilStorage', '0', 2, 0, [2], [1])]]), { '0': f32([1, 2]) }), 'corrupt', /torch\.EvilStorage, which is not a torch storage class/],
    ['bad byteorder record', () => torchZip(stateDictPickle([]), {}, { byteorder: 'middle' }), 'corrupt', /byteorder says "middle"/],
    ['memo read before it is written', () => torchZip(bytes(...P.proto(), ...P.get(9), ...P.stop), {}), 'corrupt', /memo entry 9, which it never stored/],
    ['unknown opcode', () => torchZip(bytes(...P.proto(), 0xff, ...P.stop), {}), 'corrupt', /unknown pickle opcode 0xff/],
    ['a string longer than the pickle', () => torchZip(bytes(...P.proto(), 0x58, 0xff, 0xff, 0xff, 0x7f, ...P.stop), {}), 'truncated', /claims 2147483647 bytes/],
    ['no STOP', () => torchZip(bytes(...P.proto(), ...P.emptyDict), {}), 'truncated', /before its STOP opcode/],
    ['pop from an empty stack', () => torchZip(bytes(...P.proto(), ...P.reduce, ...P.stop), {}), 'corrupt', /empty stack/],
    ['append to a dict', () => torchZip(bytes(...P.proto(), ...P.emptyDict, ...P.none, ...P.append, ...P.stop), {}), 'corrupt', /appends to a dict/],
  ];
  for (const [what, build, code, sentence] of cases) {
    it(what, async () => {
      const err = await failure(memorySource('bad.pt', build()));
      expect({ code: err.code, file: err.file }).toEqual({ code, file: 'bad.pt' });
      expect(err.message).toMatch(sentence);
    });
  }

  it('containers that refer to each other exponentially are refused quickly', async () => {
    // l0 = [w]; l(i+1) = [l(i), l(i)]: 2^40 paths through 40 lists.
    const ops: number[] = [...P.emptyList, ...tensorOps('FloatStorage', '0', 2, 0, [2], [1]), ...P.append, ...P.put(0)];
    for (let i = 1; i <= 40; i++) ops.push(...P.emptyList, ...P.get(i - 1), ...P.append, ...P.get(i - 1), ...P.append, ...P.put(i));
    const file = torchZip(bytes(...P.proto(), ...ops, ...P.stop), { '0': f32([1, 2]) });
    const start = Date.now();
    const err = await failure(memorySource('bomb.pt', file));
    expect(err.code).toBe('too-large');
    expect(Date.now() - start).toBeLessThan(2000);
  });

  it('a list that holds itself is listed once, with a note', async () => {
    const ops = [...P.emptyList, ...P.put(0), ...P.get(0), ...P.append, ...tensorOps('FloatStorage', '0', 2, 0, [2], [1]), ...P.append];
    const ckpt = await openCheckpoint([memorySource('loop.pt', torchZip(bytes(...P.proto(), ...ops, ...P.stop), { '0': f32([1, 2]) }))]);
    expect(ckpt.tensors.map((t) => t.name)).toEqual(['1']);
    expect(ckpt.warnings.join('\n')).toMatch(/0 \(refers to a container that holds it\)/);
  });

  it('an expanded view is gathered; a huge one is refused at read, not at listing', async () => {
    const ok = await openCheckpoint([memorySource('e.pt', torchZip(stateDictPickle([['e', tensorOps('FloatStorage', '0', 2, 0, [3, 2], [0, 1])]]), { '0': f32([1, 2]) }))]);
    expect(await ok.read('e')).toEqual(f32([1, 2, 1, 2, 1, 2]));
    const huge = await openCheckpoint([memorySource('h.pt', torchZip(stateDictPickle([['h', tensorOps('FloatStorage', '0', 2, 0, [1 << 30, 2], [0, 1])]]), { '0': f32([1, 2]) }))]);
    expect(huge.tensors[0]!.byteLength).toBe(2 ** 33);
    const err = await huge.read('h').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraftError);
    expect((err as GraftError).code).toBe('too-large');
  });

  it('any archive folder name', async () => {
    const ckpt = await openCheckpoint([memorySource('named.pt', torchZip(stateDictPickle([['w', tensorOps('HalfStorage', '0', 2, 0, [2], [1])]]), { '0': new Uint8Array([0, 0x3c, 0, 0x40]) }, { archive: 'my model v2' }))]);
    expect(ckpt.tensors.map((t) => [t.name, t.dtype])).toEqual([['w', 'float16']]);
    expect(await ckpt.read('w')).toEqual(new Uint8Array([0, 0x3c, 0, 0x40]));
  });

  it('a big-endian file: read gives the stored bytes, readValue little-endian ones', async () => {
    const be = new Uint8Array([0x3f, 0x80, 0, 0, 0x40, 0, 0, 0]);
    const ckpt = await openCheckpoint([memorySource('be.pt', torchZip(stateDictPickle([['w', tensorOps('FloatStorage', '0', 2, 0, [2], [1])]]), { '0': be }, { byteorder: 'big' }))]);
    expect(await ckpt.read('w')).toEqual(be);
    expect((await ckpt.readValue('w')).bytes).toEqual(f32([1, 2]));
  });
});

describe('files people get by mistake are explained', () => {
  const cases: [string, string | Uint8Array, RegExp][] = [
    ['a Git LFS pointer', 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 438000000\n', /model\.bin is a Git LFS pointer \(\d+ bytes\), not the weights \(438000000 bytes\) — run `git lfs pull`/],
    ['an HTML page', '<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title>', /model\.bin is an HTML page .* the link returned a web page/],
    ['an empty file', '', /model\.bin is empty/],
  ];
  for (const [what, content, sentence] of cases) {
    it(what, async () => {
      const src = memorySource('model.bin', typeof content === 'string' ? new TextEncoder().encode(content) : content);
      expect(await listCandidates([src])).toEqual([]);
      expect((await explainFiles([src])).join('\n')).toMatch(sentence);
      const err = await openCheckpoint([src]).catch((e: unknown) => e);
      expect((err as GraftError).message).toMatch(sentence);
    });
  }

  it('a truncated zip download', async () => {
    const cut = testdata('cnn.pt').slice(0, 3000);
    const err = await failure(memorySource('cnn.pt', cut));
    expect(err.file).toBe('cnn.pt');
    expect(err.message).toMatch(/truncated|incomplete/);
  });

  it('a truncated legacy download', async () => {
    const full = testdata('cnn-legacy.pt');
    for (const n of [20, 900, full.length - 10]) {
      const err = await failure(memorySource('cnn.pt', full.slice(0, n)));
      expect(err.code).toBe('truncated');
      expect(err.message).toMatch(/truncated|incomplete/);
    }
  });
});
