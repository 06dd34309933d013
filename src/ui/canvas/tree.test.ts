import { describe, expect, it } from 'vitest';
import type { VariableData } from '../../worker/client';
import { across, parentRow, step, type KeyRow } from './keys';
import { buildTree, openDepth, sideModel, type TreeScope } from './tree';

const v = (name: string): VariableData => ({ name, shape: [2], dtype: 'float32', byteLength: 8, kind: 'weight', group: name.split('/')[0]! });
const labels = (s: TreeScope): unknown[] => s.children.map((c) => ('scope' in c ? { [c.scope.label]: labels(c.scope) } : c.variable.name.split('/').at(-1)));

describe('canvas tree', () => {
  it('nests scopes in model order, merges a scope whose only child is a scope, and finds by readable and stored names', () => {
    const vars = ['bert/encoder/layer_10/attention/query/kernel', 'bert/encoder/layer_2/attention/query/kernel', 'bert/encoder/layer_2/attention/query/bias', 'cls/bias'].map(v);
    const model = sideModel(vars, 'tf-bundle');
    const root = buildTree(model, new Set(vars.map((x) => x.name)));
    expect(labels(root)).toEqual([
      { 'bert/encoder': [{ 'layer_2/attention/query': ['kernel', 'bias'] }, { 'layer_10/attention/query': ['kernel'] }] },
      { cls: ['bias'] },
    ]);
    expect(model.haystack.get('cls/bias')).toContain('cls/bias');
    // The paths the tree reads by model-order index are the ones `readable` gives by name.
    expect(model.ordered.map((x) => x.name)).toEqual([vars[1], vars[2], vars[0], vars[3]].map((x) => x!.name));
    expect(model.orderedPaths).toEqual(model.ordered.map((x) => model.readable.get(x.name)));
    expect(model.orderedPaths[0]).toEqual(['bert', 'encoder', 'layer_2', 'attention', 'query', 'kernel']);
  });

  it('lists a scope’s variables in model order even where the model order interleaves its scopes, with their count and first', () => {
    const vars = ['a/x/k1', 'a/y/k1', 'a/x/k2', 'b/k', 'a/y/k2'].map(v);
    const root = buildTree(sideModel(vars, 'list'), new Set(vars.map((x) => x.name)));
    const a = root.children.map((c) => ('scope' in c ? c.scope : null)).find((s) => s?.key === 'a')!;
    expect(labels(a)).toEqual([{ x: ['k1', 'k2'] }, { y: ['k1', 'k2'] }]);
    expect(a.vars.map((x) => x.name)).toEqual(['a/x/k1', 'a/y/k1', 'a/x/k2', 'a/y/k2']);
    expect([a.count, a.first?.name, root.count]).toEqual([4, 'a/x/k1', 5]);
  });

  it('opens scopes down to the deepest level that fits the row budget', () => {
    const vars = Array.from({ length: 100 }, (_, g) => Array.from({ length: 50 }, (_, i) => v(`block_${g}/layer_${i}/kernel`))).flat();
    const root = buildTree(sideModel(vars, 'tf-bundle'), new Set(vars.map((x) => x.name)));
    expect(openDepth(root, 400)).toBe(0);
    expect(openDepth(root, 100_000)).toBe(Infinity);
  });

  it('moves a keyboard cursor up, down, to the parent and across', () => {
    const rows: KeyRow[] = [
      { id: 'old-group:a', side: 'old', type: 'vargroup', y: 0, depth: 0, collapsed: false },
      { id: 'old:a/k', side: 'old', type: 'variable', y: 40, depth: 1 },
      { id: 'new-group:a', side: 'new', type: 'vargroup', y: 0, depth: 0, collapsed: false },
      { id: 'new:a/k', side: 'new', type: 'variable', y: 40, depth: 1 },
      { id: 'new:a/b', side: 'new', type: 'variable', y: 80, depth: 1 },
    ];
    expect(step(rows, null, 'down')).toBe('old-group:a');
    expect(step(rows, 'old-group:a', 'down')).toBe('old:a/k');
    expect(step(rows, 'old:a/k', 'down')).toBe('old:a/k');
    expect(parentRow(rows, 'new:a/b')).toBe('new-group:a');
    expect(across(rows, 'old:a/k')).toBe('new:a/k');
    expect(across(rows, 'old:a/k', 'new:a/b')).toBe('new:a/b');
  });
});
