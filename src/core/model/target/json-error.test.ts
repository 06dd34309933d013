import { describe, expect, it } from 'vitest';
import { locateJsonError } from './json-error';

describe('locateJsonError', () => {
  it('finds nothing wrong in valid JSON', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "\\u00e9\\n"], "b": {"c": []}} ', '"x"', '0']) {
      expect(locateJsonError(text)).toBeNull();
    }
  });

  it('gives the line, column and character where the text stops being JSON', () => {
    expect(locateJsonError('{\n  "a": 1,\n  "b": tru\n}')).toEqual({ line: 3, column: 11, offset: 22, found: '"\\n"' });
    expect(locateJsonError('{"a": 1,}')).toEqual({ line: 1, column: 9, offset: 8, found: '"}"' });
    expect(locateJsonError('[1 2]')).toEqual({ line: 1, column: 4, offset: 3, found: '"2"' });
    expect(locateJsonError('{"a" 1}')).toEqual({ line: 1, column: 6, offset: 5, found: '"1"' });
    expect(locateJsonError('"bad \\x escape"')).toEqual({ line: 1, column: 7, offset: 6, found: '"x"' });
    expect(locateJsonError('"\\u12g4"')).toEqual({ line: 1, column: 6, offset: 5, found: '"g"' });
    expect(locateJsonError('[1, 2')).toEqual({ line: 1, column: 6, offset: 5, found: 'the end of the text' });
    expect(locateJsonError('{} x')).toEqual({ line: 1, column: 4, offset: 3, found: '"x"' });
  });

  it('stops at the nesting limit instead of overflowing the stack', () => {
    expect(locateJsonError('['.repeat(10_001))).toMatchObject({ offset: 10_001, found: 'the end of the text' });
    expect(locateJsonError('['.repeat(50_000))).toMatchObject({ offset: 10_001, found: '"["' });
    expect(locateJsonError('{"a":'.repeat(50_000))).toMatchObject({ offset: 50_005, found: '"{"' });
  });
});
