import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { valueCases } from '../core/formats/value-cases.test-util';
import { graft } from './graft.test-util';

const CASES = await valueCases();

/** The elements inside `array([...], dtype=...)`: numbers, or the quoted strings of a `dtype=object` array. */
function printed(stdout: string): unknown[] {
  const body = /array\(\[([^\]]*)\]/.exec(stdout)?.[1];
  return body === undefined ? [] : (JSON.parse(`[${body}]`) as unknown[]);
}

describe('graft inspect --tensor prints values, whatever the file stores', () => {
  it('has every case: quantized, TF.js strings, big-endian .npy and bundle', () => expect(CASES).toHaveLength(7));

  for (const c of CASES) {
    it(c.title, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'graft-values-'));
      for (const f of c.files) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), f.bytes);
      }
      const { code, stdout, stderr } = await graft('inspect', join(dir, c.open), '--tensor', c.tensor);
      expect(stderr.replace(/.*nodedir.*\n?/g, '')).toBe('');
      expect(code).toBe(0);
      expect(stdout.split('\n')[0]).toBe(`${c.tensor}  ${c.dtype} [${c.shape.join(',')}]  weight`);
      expect(printed(stdout)).toEqual(c.want);
    });
  }
});
