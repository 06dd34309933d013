import { describe, expect, it } from 'vitest';
import { compareNatural } from './layers';

// The order compareNatural replaces: each name split into text and number parts, the parts compared in turn.
function splitKey(s: string): (string | number)[] {
  return s.split(/(\d+)/).map((p, i) => (i % 2 ? Number(p) : p));
}
function byKeys(a: string, b: string): number {
  const x = splitKey(a);
  const y = splitKey(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return typeof x[i] === 'number' ? (x[i] as number) - (y[i] as number) : x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

describe('compareNatural', () => {
  it('orders numbers by value and text by code unit', () => {
    const names = ['dense_10', 'dense_2', 'dense', 'dense_1/kernel', 'dense_1', 'Dense_3', 'a.b', 'a/b', 'a_b', 'x007', 'x7', 'x7a'];
    expect(names.slice().sort(compareNatural)).toEqual(['Dense_3', 'a.b', 'a/b', 'a_b', 'dense', 'dense_1', 'dense_1/kernel', 'dense_2', 'dense_10', 'x007', 'x7', 'x7a']);
    expect(compareNatural('x007', 'x7')).toBe(0);
    expect(compareNatural('n12345678901234567890', 'n12345678901234567891')).toBe(0); // as Number() reads them
  });

  it('agrees in sign with comparing split keys on random names', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const alphabet = ['a', 'b', '_', '.', '/', '-', '0', '1', '2', '9', '00', 'é', 'Z'];
    const word = () => Array.from({ length: rand(9) }, () => alphabet[rand(alphabet.length)]).join('');
    for (let k = 0; k < 20000; k++) {
      const a = word();
      const b = rand(4) === 0 ? a : rand(2) ? a.slice(0, rand(a.length + 1)) + word() : word();
      expect([a, b, Math.sign(compareNatural(a, b))]).toEqual([a, b, Math.sign(byKeys(a, b))]);
    }
  });
});
