#!/usr/bin/env node
// The `graft` command: the CLI bundle that `npm run setup` builds (scripts/cli-bundle.mjs) while it is newer than
// its sources, else the TypeScript CLI through tsx, so core/ is shared as-is with the page either way.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freshBundle } from '../scripts/cli-bundle.mjs';

const bundle = process.env.GRAFT_TSX ? null : freshBundle();
if (bundle) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(fileURLToPath(new URL('../src/cli/main.ts', import.meta.url)));
}
