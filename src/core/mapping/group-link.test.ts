import { describe, expect, it } from 'vitest';
import { linkGroups } from './group-link';
import { tensor, variable } from './mapping.test-util';

describe('linkGroups', () => {
  it('pairs children by suffix (as stored or normalised), then by position, with proposed transforms', () => {
    const olds = [tensor('old/dense_1_W', [4, 3], { group: 'old' }), tensor('old/dense_1_b', [3], { group: 'old' }), tensor('old/extra', [5], { group: 'old' })];
    const news = [variable('new/kernel', [4, 6], { group: 'new' }), variable('new/bias', [3], { group: 'new' }), variable('new/scale', [5], { group: 'new' })];
    const links = linkGroups(olds, news);
    expect(links.map((l) => [l.from[0], l.to, l.transforms.map((t) => t.op).join(',')])).toEqual([
      ['old/dense_1_W', 'new/kernel', 'pad'],
      ['old/dense_1_b', 'new/bias', ''],
      ['old/extra', 'new/scale', ''],
    ]);
    expect(links[2]!.reason).toBe('same position within the group');
  });
  it('never links what cannot be converted', () => {
    expect(linkGroups([tensor('a/s', [], { dtype: 'string', group: 'a' })], [variable('b/s', [], { group: 'b' })])).toEqual([]);
  });
});
