import { describe, expect, it } from 'vitest';
import { GraftError } from '../errors';
import { clip, describeJson, listSome, oneLine, own, setOwn } from './untrusted';

describe('helpers for file-supplied strings and keys', () => {
  it('clip keeps short strings and says how long a cut one was', () => {
    expect(clip('abc')).toBe('abc');
    expect(clip('x'.repeat(1000), 10)).toBe('xxxxxxxxxx… (1000 characters)');
  });

  it('describeJson stays short and never recurses deeper than a few levels', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(describeJson(deep)).toBe('[[[[…]]]]');
    expect(describeJson([1, 2, 3])).toBe('[1, 2, 3]');
    expect(describeJson(Array.from({ length: 20 }, (_, i) => i))).toBe('[0, 1, 2, 3, 4, 5, 6, 7, … 12 more]');
    expect(describeJson({ a: 's'.repeat(5000) }).length).toBeLessThanOrEqual(160);
    expect(describeJson(undefined)).toBe('undefined');
  });

  it('own answers only a table’s own keys', () => {
    const table = { F32: 4 };
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(own(table, key)).toBeUndefined();
    expect(own(table, 'F32')).toBe(4);
  });

  it('setOwn stores __proto__ as a key, not as the prototype', () => {
    const o: Record<string, unknown> = {};
    setOwn(o, '__proto__', { polluted: true });
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.keys(o)).toEqual(['__proto__']);
    expect((o as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('listSome and oneLine give one line with a count', () => {
    expect(listSome(['a'])).toBe('a');
    expect(listSome(['a', 'b'])).toBe('a and b');
    expect(listSome(['a', 'b', 'c'])).toBe('a, b and c');
    expect(listSome(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c and 2 more');
    expect(oneLine([], (x) => x, () => 'many')).toEqual([]);
    expect(oneLine(['a'], (x) => `one ${x}`, () => 'many')).toEqual(['one a']);
    expect(oneLine(['a', 'b', 'c', 'd'], (x) => x, (n, some) => `${n}: ${some}`)).toEqual(['4: a, b, c and 1 more']);
  });

  it('a GraftError sentence is bounded however long what it quotes', () => {
    const e = new GraftError('corrupt', 'f'.repeat(10_000), `tensor ${'n'.repeat(1_000_000)} is damaged`);
    expect(e.message.length).toBeLessThan(2600);
    expect(e.message).toMatch(/more characters\)$/);
    expect(e.file).toHaveLength(10_000);
  });
});
