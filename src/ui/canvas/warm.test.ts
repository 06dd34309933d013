import { describe, expect, it, vi } from 'vitest';
import type { GraftState } from '../../state/types';
import type { SlotData, VariableData } from '../../worker/client';
import { sideModelOf, treeOf } from './layout';
import * as tree from './tree';
import { warmSidesAhead } from './warm';

vi.mock('./tree', async (actual) => {
  const real = await actual<typeof import('./tree')>();
  return { ...real, buildTree: vi.fn(real.buildTree) };
});

const v = (name: string): VariableData => ({ name, shape: [2], dtype: 'float32', byteLength: 8, kind: 'weight', group: name.split('/')[0]! });
const data = (variables: VariableData[]) => ({ kind: 'checkpoint', format: 'tf-bundle', variables }) as unknown as SlotData;
const state = (old: SlotData | null, neu: SlotData | null, oldStatus = 'ready', newStatus = 'opening', mode?: 'canvas' | 'lists') =>
  ({
    search: '', statusFilter: null, problemsOnly: false, showState: false, mode,
    slots: { old: { status: oldStatus, data: old }, new: { status: newStatus, data: neu } },
  }) as unknown as GraftState;

describe('warming a side ahead', () => {
  it('builds the side that is in while the other opens, once per listing, and not once both are in', () => {
    let listener: (s: GraftState) => void = () => undefined;
    const runs: (() => void)[] = [];
    warmSidesAhead((l) => ((listener = l), () => undefined), (run) => runs.push(run));
    const olds = [v('a/kernel'), v('a/bias'), v('b/kernel')];
    listener(state(data(olds), null));
    listener(state(data(olds), null));
    expect(runs).toHaveLength(1);
    expect(tree.buildTree).not.toHaveBeenCalled();
    runs[0]!();
    expect(tree.buildTree).toHaveBeenCalledTimes(1);
    const model = sideModelOf(olds, 'tf-bundle');
    const shown = new Set(olds.map((x) => x.name));
    // The tree the first draw asks for is the one built ahead.
    const root = treeOf(model, shown);
    expect(treeOf(model, new Set(shown))).toBe(root);
    expect(tree.buildTree).toHaveBeenCalledTimes(1);
    expect(root.children.map((c) => ('scope' in c ? c.scope.key : ''))).toEqual(['a', 'b']);
    listener(state(data([v('c/kernel')]), data([v('d/kernel')]), 'ready', 'ready'));
    listener(state(data(olds), null, 'ready', 'opening'));
    expect(runs).toHaveLength(1);
  });

  it('leaves a side the canvas draws at once (the other opening) to the canvas; lists and a side waiting on a drop are warmed', () => {
    const runs: (() => void)[] = [];
    let listener: (s: GraftState) => void = () => undefined;
    warmSidesAhead((l) => ((listener = l), () => undefined), (run) => runs.push(run));
    listener(state(data([v('e/kernel')]), null, 'ready', 'opening', 'canvas'));
    expect(runs).toHaveLength(0);
    listener(state(data([v('f/kernel')]), null, 'ready', 'opening', 'lists'));
    expect(runs).toHaveLength(1);
    listener(state(data([v('g/kernel')]), null, 'ready', 'idle', 'canvas'));
    expect(runs).toHaveLength(2);
  });
});
