/**
 * The seeded slice of the fuzz harness that `npm test` runs: a fixed number of inputs per reader and parser from a
 * fixed seed (the same inputs every run), each in a fuzz child with the harness's time and memory limits. Any crash,
 * hang or over-allocation fails it; the findings are under .fuzz/findings/ (`npm run fuzz -- --replay DIR`).
 */
import { describe, expect, it } from 'vitest';
import { READERS } from './corpus';
import { fuzz, report } from './fuzz';

/** Inputs per reader: a few seconds each at the slowest readers' rate (recipes export, HDF5 opens through WASM). */
const PER_READER = Number(process.env.GRAFT_FUZZ_SLICE ?? 40);

describe('fuzz slice (seed 20261202)', () => {
  it(`${PER_READER} inputs per reader: no crash, no hang, no over-allocation`, { timeout: 240_000 }, async () => {
    const stats = await fuzz({ readers: READERS, seed: 20261202, perReader: PER_READER, workers: 1, timeoutMs: 5000, keepPerSignature: 1 });
    const table = report(stats);
    for (const reader of READERS) expect(stats.readers.get(reader)?.inputs, `${reader}\n${table}`).toBe(PER_READER);
    const bad = [...stats.readers.values()].reduce((n, r) => n + r.counts.crash + r.counts.hang + r.counts['over-allocation'], 0);
    expect(bad, table).toBe(0);
  });
});
