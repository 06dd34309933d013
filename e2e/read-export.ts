// Reads an exported checkpoint back with Graft's own readers, for e2e/export.spec.ts:
//   tsx e2e/read-export.ts FILE...   (a .zip is unpacked in memory; its members are the files)
// prints one JSON line per tensor: {name, dtype, shape, sha256} (sha256 of the raw stored bytes).
// Run through tsx (not Playwright's loader) so the readers' CommonJS dependencies resolve as in the CLI.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { unzipSync } from 'fflate';
import { openCheckpoint } from '../src/core/formats/registry';
import { memorySource } from '../src/core/io/byte-source';

const sources = process.argv.slice(2).flatMap((path) => {
  const bytes = new Uint8Array(readFileSync(path));
  if (!path.endsWith('.zip')) return [memorySource(basename(path), bytes)];
  return Object.entries(unzipSync(bytes)).map(([name, member]) => memorySource(name, member));
});
const checkpoint = await openCheckpoint(sources);
for (const t of checkpoint.tensors) {
  const bytes = await checkpoint.read(t.name);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  process.stdout.write(JSON.stringify({ name: t.name, dtype: t.dtype, shape: t.shape, sha256 }) + '\n');
}
(checkpoint as { close?: () => void }).close?.();
