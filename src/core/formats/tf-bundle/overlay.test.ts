import { describe, expect, it } from 'vitest';
import { memorySource } from '../../io/byte-source';
import type { PlannedTensor } from '../../io/output';
import { overlayLayout } from './overlay';

const base = memorySource('in.data-00000-of-00001', new Uint8Array(1000));
const other = memorySource('other.data-00000-of-00001', new Uint8Array(1000));
const at = (offset: number, byteLength: number, source = base) => ({ source, offset, byteLength });
const kept = (name: string, offset: number, size: number): PlannedTensor => ({ name, byteLength: size, stored: at(offset, size), sources: [at(offset, size)] });
const changed = (name: string, size: number | undefined, ...sources: ReturnType<typeof at>[]): PlannedTensor => ({ name, byteLength: size, stored: undefined, sources });

describe('overlayLayout', () => {
  it('keeps unchanged tensors at their old offsets, writes a changed one over its source when it fits, appends the rest', () => {
    const layout = overlayLayout([changed('a', 400, at(0, 400)), kept('b', 400, 500), changed('c', 120, at(900, 100)), changed('d', 60, at(900, 100))]);
    expect(layout).toBeDefined();
    expect([...layout!.kept]).toEqual([['b', 400]]);
    // c does not fit its 100-byte source; d (made from the same bytes) does.
    expect([...layout!.inPlace]).toEqual([['a', 0], ['d', 900]]);
    expect([layout!.size, layout!.appended, layout!.dead]).toEqual([1000, 120, 40]);
    expect(layout!.deadRanges).toEqual([{ offset: 960, length: 40 }]); // the rest of d's source, zeroed by the writer
  });

  it('is not used where the output would be a plain copy written in order (identity: byte for byte what TF wrote)', () => {
    expect(overlayLayout([kept('a', 0, 400), kept('b', 400, 600), changed('graph', undefined)])).toBeUndefined();
    expect(overlayLayout([kept('b', 400, 600), kept('a', 0, 400)])).toBeDefined(); // out of order: only the overlay keeps both
  });

  it('is not used when too many of the copied bytes would be dead', () => {
    // 700 of 1000 bytes (an optimizer's slots, say) are not exported: far more than a tenth of the output.
    expect(overlayLayout([changed('x', 10), kept('a', 0, 300)])).toBeUndefined();
    expect(overlayLayout([changed('x', 10), kept('a', 0, 300)], 0.8)).toBeDefined();
  });

  it('never writes over bytes an unchanged tensor keeps, nor uses ranges of another file or overlapping ranges', () => {
    const layout = overlayLayout([kept('a', 0, 500), changed('b', 500, at(0, 500)), changed('c', 500, at(500, 500, other)), kept('d', 500, 500)]);
    expect(layout!.inPlace.size).toBe(0);
    expect(layout!.appended).toBe(1000);
    expect(overlayLayout([kept('b', 500, 500), kept('a', 0, 600)])).toBeUndefined();
  });
});
