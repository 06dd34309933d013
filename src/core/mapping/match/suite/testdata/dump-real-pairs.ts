// Reads the pairs make-real-pairs.py wrote with Graft's own readers and target builder, and writes
// real-pairs.json: each pair's old variables as Graft lists them, the new model's variables, and the truth with
// old values' sha256 resolved to the old keys that hold them. Node only, test tooling:
//   .venv-real/bin/python src/core/mapping/match/suite/testdata/make-real-pairs.py /tmp/pairs
//   npx tsx src/core/mapping/match/suite/testdata/dump-real-pairs.ts /tmp/pairs
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCheckpoint } from '../../../../formats/registry';
import { memorySource, type ByteSource } from '../../../../io/byte-source';
import { buildTarget } from '../../../../model/target/build';
import type { RealPair } from '../real';

function sources(dir: string): ByteSource[] {
  const out: ByteSource[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const abs = join(d, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else out.push(memorySource(relative(dir, abs), new Uint8Array(readFileSync(abs))));
    }
  };
  walk(dir);
  return out;
}

const root = process.argv[2];
if (!root) throw new Error('usage: dump-real-pairs.ts WORKDIR');
const pairs: RealPair[] = [];
for (const name of JSON.parse(readFileSync(join(root, 'pairs.json'), 'utf8')) as string[]) {
  const dir = join(root, name);
  const meta = JSON.parse(readFileSync(join(dir, 'pair.json'), 'utf8')) as { note: string; unrelated: boolean; old: string; truth: Record<string, string>; optional: Record<string, string> };
  const oldDir = meta.old.includes('/') ? join(dir, meta.old.slice(0, meta.old.indexOf('/'))) : dir;
  const files = sources(oldDir).filter((f) => !f.path.endsWith('.json') || meta.old.includes('/'));
  const old = await openCheckpoint(files.filter((f) => meta.old.includes('/') || f.path === meta.old));
  const bySha = new Map<string, string>();
  for (const t of old.tensors) bySha.set(createHash('sha256').update(await old.read(t.name)).digest('hex'), t.name);
  const target = await buildTarget({ text: readFileSync(join(dir, 'new.json'), 'utf8'), fileName: 'new.json' });
  const resolve = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([to, sha]) => {
    const from = bySha.get(sha);
    if (!from) throw new Error(`${name}: no old tensor holds the value for ${to}`);
    if (!target.variables.some((v) => v.name === to)) throw new Error(`${name}: the new model has no ${to}`);
    return [to, from];
  }));
  pairs.push({
    name,
    note: meta.note,
    unrelated: meta.unrelated,
    format: old.format,
    old: old.tensors,
    source: target.source,
    variables: target.variables,
    truth: resolve(meta.truth),
    optional: resolve(meta.optional),
  });
}
const out = join(fileURLToPath(new URL('.', import.meta.url)), 'real-pairs.json');
writeFileSync(out, JSON.stringify(pairs, null, 0).replace(/\},\{"name"/g, '},\n{"name"') + '\n');
console.log(`${pairs.length} pairs → ${out}`);
