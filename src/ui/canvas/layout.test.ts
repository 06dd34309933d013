import { describe, expect, it } from 'vitest';
import { autoMatch, compile, type PlanEntry } from '../../core/mapping';
import type { VariableData } from '../../worker/client';
import { emptyReason, visibleNames } from './filter';
import { OPEN_ROWS, arrange, colour, groupId, layout, sameNames, sideModelOf, treeOf } from './layout';

const v = (name: string, shape: number[], kind: VariableData['kind'] = 'weight'): VariableData => ({
  name, shape, dtype: 'float32', byteLength: 4, kind, group: name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '',
});
const OLD = [v('a/kernel', [2, 3]), v('a/bias', [3]), v('b/kernel', [3, 4]), v('gone/kernel', [7]), v('a/kernel/Adam', [2, 3], 'optimizer')];
const NEW = [v('a/kernel', [2, 3]), v('a/bias', [3]), v('b/kernel', [3, 5]), v('fresh/kernel', [5, 5])].map((x) => ({ ...x, initializer: { kind: 'zeros' as const } }));

function setup() {
  const recipe = autoMatch({ tensors: OLD }, { variables: NEW }).recipe;
  const plan = compile(recipe, { tensors: OLD }, { variables: NEW });
  const byTo = new Map(plan.entries.map((e) => [e.to, e]));
  const entryOf = (to: string): PlanEntry | undefined => byTo.get(to);
  return { plan, entryOf };
}
const noFilter = { search: '', statusFilter: null, problemsOnly: false, showState: false };

describe('canvas layout', () => {
  it('compares shown names by content, and reuses a side’s tree for the same names in another Set', () => {
    expect(sameNames(new Set(['a', 'b']), new Set(['b', 'a']))).toBe(true);
    expect(sameNames(new Set(['a', 'b']), new Set(['a', 'c']))).toBe(false);
    expect(sameNames(new Set(['a']), new Set(['a', 'b']))).toBe(false);
    const model = sideModelOf(OLD, 'test');
    const shown = new Set(OLD.map((x) => x.name));
    const root = treeOf(model, shown);
    expect(treeOf(model, new Set(shown))).toBe(root);
    expect(treeOf(model, new Set(['a/kernel']))).not.toBe(root);
  });
  it('puts old on the left and new on the right, grouped, with an edge per link coloured by status', () => {
    const { plan, entryOf } = setup();
    const shown = visibleNames(OLD, NEW, plan, noFilter, entryOf);
    expect(shown.old.has('a/kernel/Adam')).toBe(false);
    const { nodes, edges } = layout({ olds: OLD, news: NEW, plan, entryOf, shown, flipped: {}, filtering: false, selected: null });
    const oldNodes = nodes.filter((n) => n.data.side === 'old');
    const newNodes = nodes.filter((n) => n.data.side === 'new');
    expect(Math.max(...oldNodes.map((n) => n.position.x))).toBeLessThan(Math.min(...newNodes.map((n) => n.position.x)));
    expect(nodes.filter((n) => n.type === 'vargroup').map((n) => n.id)).toContain(groupId('new', 'fresh'));
    const ys = newNodes.map((n) => n.position.y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    const edge = edges.find((e) => e.data.to === 'a/kernel')!;
    expect(edge).toMatchObject({ source: 'old:a/kernel', target: 'new:a/kernel', data: { status: 'exact' } });
    expect(edges.find((e) => e.data.to === 'b/kernel')?.data.status).toMatch(/transformed|pending/);
    expect(nodes.find((n) => n.id === 'old:gone/kernel')?.data).toMatchObject({ status: 'unused' });
    expect(nodes.find((n) => n.id === 'new:fresh/kernel')?.data).toMatchObject({ status: 'initialised' });
  });

  it('collapses groups of a big side by default, draws merged edges between group nodes, and opens a flipped group', () => {
    const olds = Array.from({ length: OPEN_ROWS * 2 }, (_, i) => v(`l${Math.floor(i / 2)}/w${i % 2}`, [2]));
    const news = olds.map((x) => ({ ...x, initializer: { kind: 'zeros' as const } }));
    const recipe = autoMatch({ tensors: olds }, { variables: news }).recipe;
    const plan = compile(recipe, { tensors: olds }, { variables: news });
    const byTo = new Map(plan.entries.map((e) => [e.to, e]));
    const entryOf = (to: string) => byTo.get(to);
    const shown = visibleNames(olds, news, plan, noFilter, entryOf);
    const collapsed = layout({ olds, news, plan, entryOf, shown, flipped: {}, filtering: false, selected: null });
    expect(collapsed.nodes.every((n) => n.type === 'vargroup')).toBe(true);
    const e0 = collapsed.edges.find((e) => e.source === groupId('old', 'l0'))!;
    expect(e0).toMatchObject({ target: groupId('new', 'l0'), data: { count: 2, to: null, status: 'exact' } });
    const opened = layout({ olds, news, plan, entryOf, shown, flipped: { [groupId('new', 'l0')]: true }, filtering: false, selected: null });
    expect(opened.nodes.some((n) => n.id === 'new:l0/w1')).toBe(true);
    expect(opened.edges.filter((e) => e.target === 'new:l0/w1')).toHaveLength(1);
  });

  it('before matching answers, counts each collapsed group as all unused / all new, and finds a variable under its outermost collapsed group', () => {
    const olds = Array.from({ length: OPEN_ROWS * 4 }, (_, i) => ({ ...v(`b${i % 40}/l${Math.floor(i / 40)}/w`, [2]), group: `b${i % 40}` }));
    const news = olds.map((x) => ({ ...x, initializer: { kind: 'zeros' as const } }));
    const shown = { old: new Set(olds.map((x) => x.name)), new: new Set(news.map((x) => x.name)) };
    const arranged = arrange({ olds, news, shown, flipped: {}, filtering: false });
    expect(arranged.placed.filter((p) => p.side === 'old').map((p) => p.id)).toHaveLength(40);
    expect(arranged.at.get('old\0b3/l7/w')).toBe(groupId('old', 'b3'));
    const { nodes, edges } = colour(arranged, { plan: null, entryOf: () => undefined });
    expect(edges).toEqual([]);
    expect(nodes.find((n) => n.id === groupId('old', 'b3'))?.data).toMatchObject({ count: 40, statuses: { unused: 40 }, dropGroup: 'b3', diff: { kind: 'removed', title: 'removed: all 40 variables' } });
    expect(nodes.find((n) => n.id === groupId('new', 'b3'))?.data).toMatchObject({ statuses: { initialised: 40 }, diff: { kind: 'inserted' } });
    // A group whose variables come from different file groups is not a drop target by group.
    const mixed = arrange({ olds: [v('s/a/k', [1]), { ...v('s/b/k', [1]), group: 'other' }], news: [], shown: { old: new Set(['s/a/k', 's/b/k']), new: new Set() }, flipped: {}, filtering: false });
    expect(mixed.placed.find((p) => p.id === groupId('old', 's'))?.dropGroup).toBeUndefined();
  });

  it('filters by search, status and problems on both sides', () => {
    const { plan, entryOf } = setup();
    const search = visibleNames(OLD, NEW, plan, { ...noFilter, search: 'KERNEL' }, entryOf);
    expect([...search.new].sort()).toEqual(['a/kernel', 'b/kernel', 'fresh/kernel']);
    const problems = visibleNames(OLD, NEW, plan, { ...noFilter, problemsOnly: true }, entryOf);
    expect(problems.new.has('fresh/kernel')).toBe(true);
    expect(problems.new.has('a/kernel')).toBe(false);
    expect(problems.old.has('gone/kernel')).toBe(true);
    const unused = visibleNames(OLD, NEW, plan, { ...noFilter, statusFilter: 'unused' }, entryOf);
    expect([...unused.old]).toEqual(['gone/kernel']);
    expect(unused.new.size).toBe(0);
    const withState = visibleNames(OLD, NEW, plan, { ...noFilter, showState: true }, entryOf);
    expect(withState.old.has('a/kernel/Adam')).toBe(true);
  });

  it('orders a checkpoint side in model order, readable leaves, with a diff per variable and per layer', () => {
    const olds = [v('layer_10/bias', [3]), v('layer_10/kernel', [3, 3]), v('layer_2/bias', [3]), v('layer_2/kernel', [2, 3])];
    const news = [v('layer_2/kernel', [2, 4]), v('layer_2/bias', [4]), v('mid/kernel', [4, 4]), v('layer_10/kernel', [3, 3]), v('layer_10/bias', [3])]
      .map((x) => ({ ...x, initializer: { kind: 'zeros' as const } }));
    const recipe = autoMatch({ tensors: olds }, { variables: news }).recipe;
    const plan = compile(recipe, { tensors: olds }, { variables: news });
    const byTo = new Map(plan.entries.map((e) => [e.to, e]));
    const entryOf = (to: string) => byTo.get(to);
    const shown = visibleNames(olds, news, plan, noFilter, entryOf);
    const { nodes } = layout({ olds, news, formats: { old: 'tf-bundle', new: 'keras-json' }, plan, entryOf, shown, flipped: {}, filtering: false, selected: null });
    const side = (s: 'old' | 'new') => nodes.filter((n) => n.data.side === s).map((n) => n.id);
    expect(side('old')).toEqual(['old-group:layer_2', 'old:layer_2/kernel', 'old:layer_2/bias', 'old-group:layer_10', 'old:layer_10/kernel', 'old:layer_10/bias']);
    expect(side('new')).toEqual(['new-group:layer_2', 'new:layer_2/kernel', 'new:layer_2/bias', 'new-group:mid', 'new:mid/kernel', 'new-group:layer_10', 'new:layer_10/kernel', 'new:layer_10/bias']);
    const data = (id: string) => nodes.find((n) => n.id === id)!.data as { label?: string; diff?: { kind: string; text: string } };
    expect(data('new:layer_2/kernel').label).toBe('kernel');
    expect(data('new:layer_10/kernel').diff).toMatchObject({ kind: 'same' });
    expect(data('new:mid/kernel').diff).toMatchObject({ kind: 'inserted', text: 'new' });
    expect(data('new-group:mid').diff).toMatchObject({ kind: 'inserted', text: 'new' });
    // The widened layer reads 3→4 (whether the link is made or proposed).
    expect(data('new-group:layer_2').diff).toMatchObject({ kind: 'widened', text: '3→4' });
    expect(data('old:layer_2/kernel').diff).toMatchObject({ kind: 'widened' });
  });

  it('marks the keyboard cursor and the old variable a keyboard link starts from', () => {
    const { plan, entryOf } = setup();
    const shown = visibleNames(OLD, NEW, plan, noFilter, entryOf);
    const { nodes } = layout({ olds: OLD, news: NEW, plan, entryOf, shown, flipped: {}, filtering: false, selected: null, cursor: 'new:b/kernel', linkFrom: 'b/kernel' });
    expect(nodes.filter((n) => n.data.cursor).map((n) => n.id)).toEqual(['new:b/kernel']);
    expect(nodes.find((n) => n.id === 'old:b/kernel')?.data).toMatchObject({ linking: true });
  });

  it('searches readable names too, keeps a shown link’s other end, and says why nothing shows', () => {
    const { plan, entryOf } = setup();
    const text = { old: new Map(OLD.map((x) => [x.name, x.name.toLowerCase()])), new: new Map(NEW.map((x) => [x.name, `${x.name}\nrenamed_${x.name}`.toLowerCase()])) };
    // `renamed_b` is only in the new side's readable text; the old variable it comes from stays in view.
    const found = visibleNames(OLD, NEW, plan, { ...noFilter, search: 'renamed_b' }, entryOf, text);
    expect([...found.new]).toEqual(['b/kernel']);
    expect([...found.old]).toEqual(['b/kernel']);
    expect(emptyReason(OLD, NEW, plan, { ...noFilter, search: 'xyz' }, entryOf, text)).toEqual({ text: 'no variable name contains “xyz”', showState: false });
    expect(emptyReason(OLD, NEW, plan, { ...noFilter, search: 'adam' }, entryOf, text)).toEqual({ text: '1 variable matching “adam” is hidden optimizer or bookkeeping state', showState: true });
  });
});
