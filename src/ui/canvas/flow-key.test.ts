import { describe, expect, it } from 'vitest';
import type { VariableData } from '../../worker/client';
import { type Drawn, NO_VARIABLES, drawnSide, flowKeyOf } from './flow-key';

const list = (name: string): VariableData[] => [{ name, dtype: 'float32', shape: [1], byteLength: 4, kind: 'weight', group: '' }];

describe('drawnSide', () => {
  it('draws nothing of a side that is opening, even where it still holds the listing it had', () => {
    const vars = list('a');
    expect(drawnSide({ status: 'opening', data: { variables: vars } })).toBe(NO_VARIABLES);
    expect(drawnSide({ status: 'ready', data: { variables: vars } })).toBe(vars);
    expect(drawnSide({ status: 'idle', data: null })).toBe(NO_VARIABLES);
  });
});

describe('flowKeyOf', () => {
  it('keeps the key while the other side joins the side drawn first, and counts the join', () => {
    const ref: { current: Drawn | null } = { current: null };
    const olds = list('old');
    const first = flowKeyOf(ref, olds, NO_VARIABLES);
    expect(flowKeyOf(ref, olds, NO_VARIABLES)).toBe(first);
    expect(ref.current!.joins).toBe(0);
    expect(flowKeyOf(ref, olds, list('new'))).toBe(first);
    expect(ref.current!.joins).toBe(1);
    // New side first, then the old one: the same.
    const ref2: { current: Drawn | null } = { current: null };
    const news = list('new');
    const k = flowKeyOf(ref2, NO_VARIABLES, news);
    expect(flowKeyOf(ref2, list('old'), news)).toBe(k);
  });

  it('starts a new React Flow for another pair of listings, and when a drawn side goes back to opening', () => {
    const ref: { current: Drawn | null } = { current: null };
    const olds = list('old');
    const news = list('new');
    const pair = flowKeyOf(ref, olds, news);
    const other = flowKeyOf(ref, olds, list('new, again'));
    expect(other).not.toBe(pair);
    expect(ref.current!.joins).toBe(0);
    const reopening = flowKeyOf(ref, NO_VARIABLES, ref.current!.news);
    expect(reopening).not.toBe(other);
    expect(flowKeyOf(ref, list('old, again'), list('new, again'))).not.toBe(reopening);
  });
});
