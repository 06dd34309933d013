/** Hostile MetaGraphs (issue 17): many variables initialised from one large subgraph are recognised in linear time. */
import { describe, expect, it } from 'vitest';
import { memorySource } from '../../io/byte-source';
import { FLOAT, metaGraph, variable, type NodeSpec } from './builders.test-util';
import { readMetaGraph } from './read';

describe('hostile MetaGraphs', () => {
  it('2,000 variables all initialised from one 8,191-node tree of Adds open in linear time (about 1 s; the per-variable walk took minutes)', async () => {
    // A complete binary tree of depth 12 whose leaves are one RandomUniform: every node within the interpreter's depth.
    const nodes: NodeSpec[] = [{ name: 'r', op: 'RandomUniform' }];
    const levels = 12;
    for (let i = (1 << levels) - 1; i >= 1; i--) {
      const child = (c: number) => (c >= 1 << levels ? 'r' : `n${c}`);
      nodes.push({ name: `n${i}`, op: 'AddV2', input: [child(2 * i), child(2 * i + 1)] });
    }
    for (let v = 0; v < 2000; v++) nodes.push(variable(`v${v}`, [2]), { name: `v${v}/Assign`, op: 'Assign', input: [`v${v}`, 'n1'] });
    await readMetaGraph(memorySource('warm.meta', metaGraph([variable('w', [1])]))); // parses the schema once
    const t0 = performance.now();
    const graph = await readMetaGraph(memorySource('dir/model.ckpt.meta', metaGraph(nodes)));
    expect((performance.now() - t0) / 1000).toBeLessThan(6);
    expect(graph.variables).toHaveLength(2000);
    // All of them get the same answer for the same subgraph.
    expect(new Set(graph.variables.map((v) => JSON.stringify(v.initializer))).size).toBe(1);
  });

  it('3,000 variables without a static shape: one warning line with a count', async () => {
    const nodes: NodeSpec[] = [variable('w', [2])];
    for (let v = 0; v < 3000; v++) nodes.push({ name: `u${v}`, op: 'VariableV2', attr: { dtype: { type: FLOAT } } });
    const graph = await readMetaGraph(memorySource('dir/model.ckpt.meta', metaGraph(nodes)));
    expect(graph.variables.map((v) => v.name)).toEqual(['w']);
    expect(graph.warnings).toEqual([expect.stringMatching(/^3000 variables have no static shape in the graph \("u0", "u1", "u2" and 2997 more\); they are left out$/)]);
  });
});
