import { describe, expect, it } from 'vitest';
import { middleEllipsis } from './display';

describe('middleEllipsis', () => {
  it('keeps both ends of a long name', () => {
    expect(middleEllipsis('bert/encoder/layer_0/attention/self/query', 21)).toBe('bert/encod…self/query');
    expect(middleEllipsis('bert/encoder/layer_0/attention/self/query', 21)).toHaveLength(21);
    expect(middleEllipsis('short', 21)).toBe('short');
  });
});
