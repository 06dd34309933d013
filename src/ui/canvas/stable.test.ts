import { describe, expect, it } from 'vitest';
import { autoMatch, compile, type PlanEntry } from '../../core/mapping';
import type { VariableData } from '../../worker/client';
import { visibleNames } from './filter';
import { INDENT, NODE_WIDTH, arrange, decorate, layout } from './layout';
import { type EdgeCache, type NodeCache, stableEdges, stableNodes } from './stable';

const v = (name: string, shape: number[]): VariableData => ({ name, shape, dtype: 'float32', byteLength: 4, kind: 'weight', group: name.slice(0, name.lastIndexOf('/')) });
const OLD = [v('a/kernel', [2, 3]), v('a/bias', [3]), v('b/kernel', [3, 4])];
const NEW = [v('a/kernel', [2, 3]), v('a/bias', [3]), v('b/kernel', [3, 5])].map((x) => ({ ...x, initializer: { kind: 'zeros' as const } }));
const noFilter = { search: '', statusFilter: null, problemsOnly: false, showState: false };
/** A variable row's width: the column's, less one level of indentation under its scope. */
const W = NODE_WIDTH - INDENT;

describe('stable React Flow items', () => {
  it('keeps the object of every unchanged node and edge, and declares each node its size and handles', () => {
    const recipe = autoMatch({ tensors: OLD }, { variables: NEW }).recipe;
    const plan = compile(recipe, { tensors: OLD }, { variables: NEW });
    const byTo = new Map(plan.entries.map((e) => [e.to, e]));
    const entryOf = (to: string): PlanEntry | undefined => byTo.get(to);
    const shown = visibleNames(OLD, NEW, plan, noFilter, entryOf);
    const arranged = arrange({ olds: OLD, news: NEW, shown, flipped: {}, filtering: false });
    const laid = decorate(arranged, { plan, entryOf, selected: null });
    expect(laid).toEqual(layout({ olds: OLD, news: NEW, plan, entryOf, shown, flipped: {}, filtering: false, selected: null }));

    const nodeCache: NodeCache = new Map();
    const edgeCache: EdgeCache = new Map();
    const nodes = stableNodes(laid.nodes, nodeCache);
    const edges = stableEdges(laid.edges, edgeCache);
    const kernel = nodes.find((n) => n.id === 'old:a/kernel')!;
    expect(kernel).toMatchObject({ width: W, height: 30, measured: { width: W, height: 30 } });
    expect(kernel.handles).toEqual([expect.objectContaining({ id: 'out', type: 'source' })]);
    expect(nodes.find((n) => n.id === 'new:a/kernel')!.handles).toEqual([expect.objectContaining({ id: 'in', type: 'target', width: W, height: 30 })]);

    // The same plan again: every object is the one from before.
    const again = decorate(arranged, { plan, entryOf, selected: null });
    expect(stableNodes(again.nodes, nodeCache).every((n, i) => n === nodes[i])).toBe(true);
    expect(stableEdges(again.edges, edgeCache).every((e, i) => e === edges[i])).toBe(true);

    // Selecting one new variable changes that node and its edge only.
    const picked = decorate(arranged, { plan, entryOf, selected: { slot: 'new', name: 'a/kernel' } });
    const next = stableNodes(picked.nodes, nodeCache);
    expect(next.filter((n, i) => n !== nodes[i]).map((n) => n.id)).toEqual(['new:a/kernel']);
    const nextEdges = stableEdges(picked.edges, edgeCache);
    expect(nextEdges.filter((e, i) => e !== edges[i]).map((e) => (e.data as { to: string }).to)).toEqual(['a/kernel']);
  });
});
