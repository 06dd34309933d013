import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scanHeader } from './header-scan';
import { parseEntries, SAFETENSORS_DTYPES } from './read';

/** What JSON.parse + parseEntries make of `text`, or null where either throws. */
function viaJson(text: string, headerLength: number): ReturnType<typeof parseEntries> | null {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
    return parseEntries('f', json as Record<string, unknown>, headerLength);
  } catch {
    return null;
  }
}

/** The scan agrees with the JSON route wherever it answers, and answers for `mustAnswer`. */
function agrees(text: string, mustAnswer = false): void {
  const scanned = scanHeader(text, text.length, SAFETENSORS_DTYPES);
  if (mustAnswer) expect(scanned, text).not.toBeNull();
  if (scanned === null) return;
  const reference = viaJson(text, text.length);
  expect(reference, text).not.toBeNull();
  expect(scanned).toEqual(reference);
  expect(Object.keys(scanned.metadata)).toEqual(Object.keys(reference!.metadata));
}

const WRITTEN = JSON.stringify({
  'lm_head.weight': { dtype: 'BF16', shape: [64, 8], data_offsets: [0, 1024] },
  __metadata__: { format: 'pt', __proto__x: 'y' },
  'model.layers.0.mlp.experts.0.down_proj.weight': { dtype: 'F32', shape: [], data_offsets: [1024, 1028] },
  'é名/x:0': { shape: [2], data_offsets: [1028, 1030], dtype: 'U8' },
  odd: { dtype: 'F4', shape: [4], data_offsets: [1030, 1032] },
});

describe('scanHeader', () => {
  it('reads a header as the JSON route does, key order and all', () => {
    agrees(WRITTEN, true);
    agrees(WRITTEN.replaceAll(':', ' : ').replaceAll(',', ' ,  '), true);
    expect(scanHeader(JSON.stringify(JSON.parse(WRITTEN), null, 2), 0, SAFETENSORS_DTYPES)).toBeNull(); // line breaks: the JSON route
    agrees('{}', true);
    agrees(' {"__metadata__":{}}  ', true);
    agrees('{"__proto__":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"__metadata__":{"__proto__":"x"}}', true);
  });

  it('leaves to the JSON route what it cannot be sure of', () => {
    for (const text of [
      '{"a\\u0062":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}', // an escape
      '{"1":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"0":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}', // listed first by Object.keys
      '{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', // twice: the last wins
      '{"a":{"dtype":"U8","shape":[2.0],"data_offsets":[0,2]}}',
      '{"a":{"dtype":"U8","shape":[2e0],"data_offsets":[0,2]}}',
      '{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2],"extra":1}}',
      '{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2,4]}}',
      '{"a":{"dtype":"toString","shape":[2],"data_offsets":[0,2]}}',
      '{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}} x',
      '{"__metadata__":{"1":"a","0":"b"}}',
      '{"__metadata__":{"a":1}}',
      '{"a":{"dtype":"U8","shape":[1234567890123456],"data_offsets":[0,2]}}',
    ]) expect(scanHeader(text, text.length, SAFETENSORS_DTYPES), text).toBeNull();
  });

  it('never answers otherwise than the JSON route, on damaged headers', () => {
    const alphabet = ['"', '\\', ',', ':', '{', '}', '[', ']', '0', '1', '9', '.', 'e', '-', ' ', '\n', '\t', 'a', 'é', '\u0001'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(), op: fc.constantFrom('insert', 'delete', 'replace'), ch: fc.constantFrom(...alphabet) }), { minLength: 1, maxLength: 3 }),
        (edits) => {
          let text = WRITTEN;
          for (const { at, op, ch } of edits) {
            const i = at % (text.length + 1);
            text = op === 'insert' ? text.slice(0, i) + ch + text.slice(i) : op === 'delete' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + ch + text.slice(i + 1);
          }
          agrees(text);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
