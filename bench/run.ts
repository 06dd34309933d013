// `npm run bench`: runs every bench/*.bench.ts in turn; each prints its own table of numbers and ratios.
// Benchmarks measure; they never pass or fail on time.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv[2];
const benches = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
// `npm run bench -- export` runs export.bench.ts alone, not page-export too; a part of a name picks every match.
const exact = benches.find((f) => f === `${only}.bench.ts`);
for (const file of benches) {
  if (exact ? file !== exact : only && !file.includes(only)) continue;
  console.log(`\n## ${file}`);
  await import(new URL(file, import.meta.url).href);
}
