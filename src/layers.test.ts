/**
 * The layer rules of eslint.config.js catch what they should: each forbidden import below, written in a file of
 * the layer it is forbidden in, is reported; the allowed ones beside them are not. `npm test` lints the real tree.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

/** The messages ESLint gives `code` as if it were the file at `filePath` (the file need not exist). */
async function lint(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('layer rules', () => {
  it('core/ imports no worker, store, component or CLI module, type-only imports included', async () => {
    expect(await lint('src/core/engine/bad.ts', "import { createWorkerClient } from '../../worker/client';\nexport const c = createWorkerClient;\n")).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*core\/ never imports the worker/),
    ]);
    expect(await lint('src/core/model/bad.ts', "import type { SlotId } from '../../worker/route';\nexport type S = SlotId;\n")).toHaveLength(1);
    expect(await lint('src/core/mapping/bad.ts', "import { useGraft } from '../../state/store';\nexport const u = useGraft;\n")).toHaveLength(1);
    expect(await lint('src/core/bad.ts', "import { inspect } from '../cli/inspect';\nexport const i = inspect;\n")).toHaveLength(1);
  });

  it('core/ has no React, zustand or IndexedDB, and no Node built-ins outside its tests', async () => {
    expect(await lint('src/core/bad.ts', "import { useState } from 'react';\nimport { create } from 'zustand';\nexport const x = [useState, create];\n")).toHaveLength(2);
    expect(await lint('src/core/io/bad.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).toEqual([expect.stringMatching(/Node built-ins/)]);
    expect(await lint('src/core/io/reader.test.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).toEqual([]);
  });

  it('a format does not import the engine; it may import the writer contracts in io/', async () => {
    expect(await lint('src/core/formats/tfjs/bad.ts', "import { execute } from '../../engine/execute';\nexport const e = execute;\n")).toEqual([
      expect.stringMatching(/the engine drives the writers/),
    ]);
    expect(await lint('src/core/formats/tfjs/ok.ts', "import type { CheckpointWriter } from '../../io/output';\nexport type W = CheckpointWriter;\n")).toEqual([]);
  });

  it('ui/ reaches the worker through worker/client.ts only (TSX parsed)', async () => {
    const component = (from: string) => `import type { SlotId } from '${from}';\nexport function Slot({ id }: { id: SlotId }) {\n  return <div data-slot={id}>{id}</div>;\n}\n`;
    expect(await lint('src/ui/Bad.tsx', component('../worker/protocol'))).toEqual([expect.stringMatching(/only through worker\/client\.ts/)]);
    expect(await lint('src/ui/canvas/Bad.tsx', component('../../worker/slots'))).toHaveLength(1);
    expect(await lint('src/ui/Ok.tsx', component('../worker/client'))).toEqual([]);
  });

  it('test helpers (*.test-util.ts) are imported by tests and other helpers only', async () => {
    const code = "import { fixtureFiles } from '../core/formats/fixture-rows.test-util';\nexport const f = fixtureFiles;\n";
    expect(await lint('src/state/bad.ts', code)).toEqual([expect.stringMatching(/are for tests/)]);
    expect(await lint('src/state/plan.test.ts', code)).toEqual([]);
    expect(await lint('src/core/formats/other.test-util.ts', "import { fixtureFiles } from './fixture-rows.test-util';\nexport const f = fixtureFiles;\n")).toEqual([]);
  });
});
