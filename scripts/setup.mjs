#!/usr/bin/env node
// Installs what `npm start` / `npm test` need and is missing: node_modules (npm ci),
// the built-in example checkpoint, the CLI bundle (scripts/cli-bundle.mjs), and with --browser Debian's chromium (as root, via apt-get).
import { existsSync, statSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { buildBundle, freshBundle } from './cli-bundle.mjs';

const run = (cmd) => execSync(cmd, { stdio: 'inherit' });
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

if (!existsSync('node_modules/.package-lock.json') || mtime('package-lock.json') > mtime('node_modules/.package-lock.json')) {
  console.log('graft: installing dependencies (npm ci)…');
  run('npm ci --no-audit --no-fund');
}

if (!existsSync('public/examples/old/model.ckpt.index')) {
  console.log('graft: writing the built-in example checkpoint…');
  run('npx tsx scripts/make-example.ts');
}

if (!freshBundle()) {
  console.log('graft: bundling the CLI (dist-cli/graft.mjs)…');
  await buildBundle();
}

if (process.argv.includes('--browser') && !existsSync('/usr/bin/chromium')) {
  if (process.getuid?.() !== 0) {
    console.error('graft: /usr/bin/chromium is missing; install Debian\'s chromium package (apt-get install chromium) and run again.');
    process.exit(1);
  }
  console.log('graft: installing Debian\'s chromium…');
  run('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium');
}
