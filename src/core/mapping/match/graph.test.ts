import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../../model/checkpoint';
import type { TargetVariable } from '../../model/target-model';
import { autoMatch } from './index';

/** TF1 auto-named variables with the op each feeds, as a `.meta` beside the checkpoint (or the new graph) says. */
function vars(list: [string, number[], string?][]): TensorInfo[] {
  return list.map(([name, shape, consumerOp]) => ({
    name, dtype: 'float32', shape, byteLength: shape.reduce((a, b) => a * b, 4), kind: 'weight', group: '', trainable: true,
    ...(consumerOp ? { consumerOp } : {}),
  }));
}
const target = (list: TensorInfo[]) => ({ source: 'tf-graph' as const, variables: list.map((v): TargetVariable => ({ ...v, initializer: { kind: 'zeros' } })) });
const accepted = (r: ReturnType<typeof autoMatch>) =>
  Object.fromEntries(r.links.filter((l) => l.accepted !== false).map((l) => [l.to, l.from[0]]));

// conv → batch norm → conv → dense, all auto-named; the new graph drops the batch norm, so Variable_2.. shift.
const OLD: [string, number[], string][] = [
  ['Variable', [3, 3, 2, 4], 'Conv2D'], ['Variable_1', [4], 'BiasAdd'],
  ['Variable_2', [4], 'FusedBatchNormV3'], ['Variable_3', [4], 'FusedBatchNormV3'],
  ['Variable_4', [3, 3, 4, 4], 'Conv2D'], ['Variable_5', [4], 'BiasAdd'],
  ['Variable_6', [64, 3], 'MatMul'], ['Variable_7', [3], 'AddV2'],
];
const NEW: [string, number[], string][] = [
  ['Variable', [3, 3, 2, 4], 'Conv2D'], ['Variable_1', [4], 'BiasAdd'],
  ['Variable_2', [3, 3, 4, 4], 'Conv2D'], ['Variable_3', [4], 'BiasAdd'],
  ['Variable_4', [64, 3], 'MatMul'], ['Variable_5', [3], 'AddV2'],
];

describe('placing TF graph variables by the op that reads them', () => {
  it('links the auto-named variables of a graph with a batch norm removed, each to the one that feeds the same op', () => {
    const r = autoMatch({ tensors: vars(OLD) }, target(vars(NEW)));
    expect(accepted(r)).toEqual({
      Variable: 'Variable', Variable_1: 'Variable_1', Variable_2: 'Variable_4', Variable_3: 'Variable_5', Variable_4: 'Variable_6', Variable_5: 'Variable_7',
    });
  });

  it('links a bias to the old bias, not to the batch-norm offset that had its name and shape', () => {
    const r = autoMatch({ tensors: vars([['Variable', [4], 'FusedBatchNormV3'], ['Variable_1', [4], 'BiasAdd']]) }, target(vars([['Variable', [4], 'BiasAdd']])));
    expect(accepted(r)).toEqual({ Variable: 'Variable_1' });
  });

  it('without graphs on both sides the stage says nothing', () => {
    const bare = (list: [string, number[], string][]) => list.map(([n, s]) => [n, s] as [string, number[]]);
    const withGraph = autoMatch({ tensors: vars(bare(OLD)) }, target(vars(NEW)));
    const without = autoMatch({ tensors: vars(bare(OLD)) }, target(vars(bare(NEW))));
    expect(withGraph.links).toEqual(without.links);
  });
});
