#!/usr/bin/env node
// The `graft` command: runs the TypeScript CLI through tsx so core/ is shared as-is with the page.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

register();
await import(fileURLToPath(new URL('../src/cli/main.ts', import.meta.url)));
