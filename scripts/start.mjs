#!/usr/bin/env node
// `npm start`: the built app, served by `vite preview` and opened in the browser. The dev server (`npm run dev`)
// serves every source module one by one, which takes 30+ s to the first view on a 2-core machine; the build shows
// the example in ~3.5 s. The build is redone only when a source, the example or the config is newer than it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { join } from 'node:path';

const run = (cmd) => execSync(cmd, { stdio: 'inherit' });
run('node scripts/setup.mjs');

/** The newest modification time under `path` (a file or a folder, walked). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, f) => Math.max(m, newest(join(path, f))), s.mtimeMs);
}

const built = existsSync('dist/index.html') ? statSync('dist/index.html').mtimeMs : 0;
const sources = Math.max(...['src', 'public', 'index.html', 'vite.config.ts', 'scripts/csp.ts', 'package-lock.json'].map(newest));
if (sources > built) {
  console.log('graft: building the app (dist/)…');
  run('npx vite build --logLevel warn');
}
run('npx vite preview --host 127.0.0.1 --port 5173 --open');
