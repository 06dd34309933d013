// The `graft` CLI bundled once into dist-cli/graft.mjs (esbuild), so a run
// starts in plain Node instead of transforming TypeScript through tsx every time. `scripts/setup.mjs` builds it;
// `bin/graft.mjs` uses it only while it is newer than every source file it was built from.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The bundle's path when it is there and no file it was built from changed since; else null. */
export function freshBundle(outDir = join(ROOT, 'dist-cli')) {
  try {
    const bundle = join(outDir, 'graft.mjs');
    const built = statSync(bundle).mtimeMs;
    const inputs = readFileSync(join(outDir, 'inputs.txt'), 'utf8').split('\n').filter(Boolean);
    return inputs.every((p) => statSync(resolve(ROOT, p)).mtimeMs < built) ? bundle : null;
  } catch {
    return null; // missing bundle, input list or input file
  }
}

/** Builds the bundle (and the list of its inputs) unless it is fresh; returns its path. */
export async function buildBundle(outDir = join(ROOT, 'dist-cli')) {
  const fresh = freshBundle(outDir);
  if (fresh) return fresh;
  const { build } = await import('esbuild'); // installed with tsx
  // Built beside, then moved in: chunks (content-hashed names, loaded on demand, e.g. TF.js for Keras models)
  // first, graft.mjs last, so a run never sees a new entry with missing chunks.
  const temp = `${outDir}.${process.pid}.tmp`;
  const result = await build({
    absWorkingDir: ROOT, entryPoints: { graft: 'src/cli/main.ts' }, outdir: temp, outExtension: { '.js': '.mjs' },
    bundle: true, splitting: true, platform: 'node', format: 'esm', target: 'node20', metafile: true, logLevel: 'warning',
    // Packages are bundled too (Node then skips resolving and wrapping CommonJS at each start), except TF.js (large,
    // loaded only for Keras models and arithmetic) and h5wasm (finds its .wasm file beside itself).
    external: ['@tensorflow/*', 'h5wasm'],
  });
  mkdirSync(outDir, { recursive: true });
  // So are this script (how the bundle is built) and npm's record of the installed packages (rewritten by every install).
  const inputs = [...Object.keys(result.metafile.inputs), 'scripts/cli-bundle.mjs', 'node_modules/.package-lock.json'];
  writeFileSync(join(outDir, 'inputs.txt'), inputs.join('\n') + '\n');
  const files = readdirSync(temp).sort((a, b) => Number(a === 'graft.mjs') - Number(b === 'graft.mjs'));
  for (const f of files) renameSync(join(temp, f), join(outDir, f));
  rmSync(temp, { recursive: true, force: true });
  for (const f of readdirSync(outDir)) if (f.endsWith('.mjs') && !files.includes(f)) rmSync(join(outDir, f)); // an older build's chunks
  return join(outDir, 'graft.mjs');
}
