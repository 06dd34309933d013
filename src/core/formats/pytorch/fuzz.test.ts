/**
 * Mutated real torch files and random opcode soup: every outcome is a listing or a GraftError, each within a bound
 * of time — no other exception, no hang.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../../errors';
import { memorySource } from '../../io/byte-source';
import { listCandidates, openCheckpoint } from '../registry';
import { torchHooks } from './globals';
import { unpickle } from './pickle';

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function attempt(bytes: Uint8Array): Promise<'listed' | 'refused'> {
  const src = memorySource('fuzz.pt', bytes);
  try {
    const candidates = (await listCandidates([src])).filter((c) => c.format === 'pytorch');
    if (candidates.length === 0) return 'refused';
    const ckpt = await openCheckpoint([src], candidates[0]!.id);
    for (const t of ckpt.tensors) {
      const b = await ckpt.read(t.name);
      if (b.byteLength !== t.byteLength) throw new Error(`${t.name}: read ${b.byteLength} bytes, listed ${t.byteLength}`);
    }
    return 'listed';
  } catch (e) {
    if (e instanceof GraftError) return 'refused';
    throw e;
  }
}

/** More with FUZZ_N=5000 for a longer hunt. */
const N = Number(process.env.FUZZ_N ?? 200);

describe('fuzzed PyTorch files', () => {
  for (const name of ['cnn.pt', 'cnn-legacy.pt', 'train.pt', 'views-legacy.pt', 'cnn-p5.pt']) {
    it(`${name}: ${N} mutations, no crash, no hang`, async () => {
      const original = new Uint8Array(readFileSync(join(__dirname, 'testdata', name)));
      const random = rng(name.length * 7919);
      const outcomes = { listed: 0, refused: 0 };
      for (let i = 0; i < N; i++) {
        let b = original.slice();
        const mode = random();
        // Most mutations land in the first kilobytes, where the pickle is.
        const at = () => Math.floor(random() ** 2 * Math.min(b.length, random() < 0.8 ? 1500 : b.length));
        if (mode < 0.6) for (let k = 1 + Math.floor(random() * 6); k > 0; k--) b[at()] = Math.floor(random() * 256);
        else if (mode < 0.8) b = b.slice(0, at());
        else {
          const p = at();
          b = new Uint8Array([...b.slice(0, p), ...Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 256)), ...b.slice(p)]);
        }
        const start = Date.now();
        outcomes[await attempt(b)]++;
        expect(Date.now() - start).toBeLessThan(3000);
      }
      expect(outcomes.listed + outcomes.refused).toBe(N);
    });
  }

  it('random opcode soup through the interpreter: only GraftErrors', () => {
    const random = rng(42);
    const ops = [0x28, 0x29, 0x2e, 0x30, 0x31, 0x32, 0x4a, 0x4b, 0x4d, 0x4e, 0x51, 0x52, 0x58, 0x5d, 0x61, 0x62, 0x63, 0x65, 0x68, 0x71, 0x73, 0x74, 0x75, 0x7d, 0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x8f, 0x90, 0x91, 0x93, 0x94, 0x95];
    let graftErrors = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = new Uint8Array(1 + Math.floor(random() * 64));
      for (let j = 0; j < bytes.length; j++) bytes[j] = random() < 0.7 ? ops[Math.floor(random() * ops.length)]! : Math.floor(random() * 256);
      try {
        unpickle(bytes, 'soup.pkl', 'data.pkl', torchHooks({ file: 'soup.pkl', what: 'data.pkl', storages: new Map(), standIns: new Set() }));
      } catch (e) {
        if (!(e instanceof GraftError)) throw e;
        graftErrors++;
      }
    }
    expect(graftErrors).toBeGreaterThan(2000);
  });
});
