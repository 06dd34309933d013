import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../core/model/checkpoint';
import { initializerText, tableItems, totals } from './table-model';
import { formatValue, humanBytes, humanCount } from '../core/display';

const t = (name: string, kind: TensorInfo['kind'], group: string, shape: number[], extra: Partial<TensorInfo> = {}): TensorInfo => ({
  name, kind, group, shape, dtype: 'float32', byteLength: 4 * shape.reduce((a, b) => a * b, 1), ...extra,
});

const tensors = [
  t('dense/kernel', 'weight', 'dense', [4, 3], { originalName: 'dense/kernel', path: 'layer-0/kernel' }),
  t('dense/bias', 'weight', 'dense', [3]),
  t('dense/kernel/Adam', 'optimizer', 'optimizer', [4, 3]),
  t('conv/kernel', 'weight', 'conv', [3, 3, 1, 8]),
  t('global_step', 'bookkeeping', 'global_step', [], { dtype: 'int64', byteLength: 8 }),
  t('_CHECKPOINTABLE_OBJECT_GRAPH', 'bookkeeping', 'global_step', [], { dtype: 'string', byteLength: 100 }),
];

describe('tableItems', () => {
  it('puts weights, optimizer state and bookkeeping in their own sections, grouped by scope', () => {
    const items = tableItems(tensors, '', {});
    expect(items.map((i) => (i.type === 'variable' ? i.tensor.name : i.type === 'group' ? `group:${i.group}` : `section:${i.kind}`))).toEqual([
      'section:weight', 'group:conv', 'conv/kernel', 'group:dense', 'dense/kernel', 'dense/bias',
      'section:optimizer', 'group:optimizer', 'dense/kernel/Adam',
      'section:bookkeeping', 'group:global_step', 'global_step', '_CHECKPOINTABLE_OBJECT_GRAPH',
    ]);
    expect(items[0]).toMatchObject({ count: 3, bytes: 48 + 12 + 288 });
  });

  it('orders groups by name, parents first and numbers by value', () => {
    const groups = ['layer_10', 'conv1/BatchNorm', 'layer_2', 'conv1'].map((g) => t(`${g}/w`, 'weight', g, [1]));
    const names = tableItems(groups, '', {}).flatMap((i) => (i.type === 'group' ? [i.group] : []));
    expect(names).toEqual(['conv1', 'conv1/BatchNorm', 'layer_2', 'layer_10']);
  });

  it('hides the rows of collapsed groups but keeps their header', () => {
    const items = tableItems(tensors, '', { 'weight/dense': true });
    expect(items.filter((i) => i.type === 'variable').map((i) => i.type === 'variable' && i.tensor.name)).not.toContain('dense/bias');
    expect(items.find((i) => i.type === 'group' && i.group === 'dense')).toMatchObject({ collapsed: true, count: 2 });
  });

  it('filters by name, readable path and original name, case-insensitively, opening collapsed groups', () => {
    const byPath = tableItems(tensors, 'LAYER-0', { 'weight/dense': true });
    expect(byPath.filter((i) => i.type === 'variable').map((i) => i.type === 'variable' && i.tensor.name)).toEqual(['dense/kernel']);
    expect(tableItems(tensors, 'adam', {}).map((i) => i.type)).toEqual(['section', 'group', 'variable']);
    expect(tableItems(tensors, 'nothing-like-this', {})).toEqual([]);
  });
});

describe('totals', () => {
  it('counts variables, parameters (not strings) and bytes, per kind', () => {
    const s = totals(tensors, 'dense');
    expect(s).toMatchObject({ variables: 6, parameters: 12 + 3 + 12 + 72 + 1, bytes: 48 + 12 + 48 + 288 + 8 + 100, shown: 3 });
    expect(s.byKind.weight).toEqual({ variables: 3, parameters: 87, bytes: 348 });
    expect(s.byKind.bookkeeping).toEqual({ variables: 2, parameters: 1, bytes: 108 });
  });
});

describe('format', () => {
  it('writes sizes, counts and values for people', () => {
    expect(humanBytes(512)).toBe('512 B');
    expect(humanBytes(1536)).toBe('1.50 KB');
    expect(humanBytes(440 * 1024 * 1024)).toBe('440 MB');
    expect(humanCount(9999)).toBe('9,999');
    expect(humanCount(1_234_567)).toBe('1.23 M');
    expect(formatValue(null)).toBe('—');
    expect(formatValue(0.123456)).toBe('0.12346');
    expect(formatValue(-1e-7)).toBe('−1.000e-7');
    expect(formatValue(Infinity)).toBe('+Inf');
  });
});

describe('initializerText', () => {
  it('names the initializer with its numeric settings, never the seed', () => {
    expect(initializerText({ kind: 'keras', className: 'GlorotUniform', config: { seed: null } })).toBe('GlorotUniform');
    expect(initializerText({ kind: 'keras', className: 'RandomNormal', config: { mean: 0, stddev: 0.05, seed: 3 } })).toBe('RandomNormal(mean 0, stddev 0.05)');
    expect(initializerText({ kind: 'template' })).toBe('template value');
    expect(initializerText(undefined)).toBe('');
  });

  it('finds new-model variables by their Keras 3 key and layer class', () => {
    const v = { ...t('dense_1/kernel', 'weight', 'dense_1', [2, 2]), kerasPath: 'layers/dense_1/vars/0', layerClass: 'Dense' };
    expect(tableItems([v], 'vars/0', {}).length).toBe(3);
    expect(tableItems([v], 'dense', {}).length).toBe(3);
    expect(tableItems([v], 'conv2d', {})).toEqual([]);
  });
});

describe('tableItems in model order', () => {
  it('lists a checkpoint’s groups and variables in model order when given its format, a model JSON as listed', () => {
    const t = (name: string, group: string): TensorInfo => ({ name, group, dtype: 'float32', shape: [1], byteLength: 4, kind: 'weight' });
    const stored = [t('layer_10/bias', 'layer_10'), t('layer_10/kernel', 'layer_10'), t('layer_2/bias', 'layer_2'), t('layer_2/kernel', 'layer_2')];
    const names = (format: string) => tableItems(stored, '', {}, format).flatMap((i) => (i.type === 'variable' ? [i.tensor.name] : []));
    expect(names('tf-bundle')).toEqual(['layer_2/kernel', 'layer_2/bias', 'layer_10/kernel', 'layer_10/bias']);
    expect(names('keras-json')).toEqual(stored.map((x) => x.name));
  });
});
