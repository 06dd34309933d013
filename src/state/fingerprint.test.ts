import { describe, expect, it } from 'vitest';
import { type FilePart, fileParts, fingerprint } from './fingerprint';

const part = (path: string, bytes: number[], size = bytes.length): FilePart => ({ path, size, head: new Uint8Array(bytes), tail: new Uint8Array(bytes) });

describe('fingerprint', () => {
  it('is the same for the same files in any order, and differs when a name, size, byte or the extra differs', () => {
    const a = part('model.ckpt.index', [1, 2, 3]);
    const b = part('model.ckpt.data-00000-of-00001', [4, 5, 6]);
    const key = fingerprint([a, b]);
    expect(fingerprint([b, a])).toBe(key);
    expect(fingerprint([a, { ...b, path: 'other.data' }])).not.toBe(key);
    expect(fingerprint([a, { ...b, size: 99 }])).not.toBe(key);
    expect(fingerprint([a, part(b.path, [4, 5, 7])])).not.toBe(key);
    expect(fingerprint([a, b], 'ckpt-2')).not.toBe(key);
    expect(key).toMatch(/^[0-9a-z]+$/);
  });

  it('reads only the first and last KiB of a file', async () => {
    const bytes = new Uint8Array(5000).map((_, i) => i % 251);
    const [p] = await fileParts([{ path: 'x.bin', file: new Blob([bytes]) }]);
    expect(p!.size).toBe(5000);
    expect([...p!.head]).toEqual([...bytes.subarray(0, 1024)]);
    expect([...p!.tail]).toEqual([...bytes.subarray(5000 - 1024)]);
    const changedMiddle = bytes.slice();
    changedMiddle[2500] = 7;
    const [q] = await fileParts([{ path: 'x.bin', file: new Blob([changedMiddle]) }]);
    expect(fingerprint([q!])).toBe(fingerprint([p!]));
  });
});
