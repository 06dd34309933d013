/**
 * React Flow items with stable identity: an unchanged node or edge is the same object as in the last render, so
 * React Flow keeps its internal node (measured size, handle bounds) and React skips it. Each node also declares its
 * handles: React Flow renders every node it has no handle bounds for (to measure it) even when it is off screen,
 * and with thousands of nodes that one render of all of them was most of the cost of each change. Sizes are
 * declared too (the layout's, fixed), so fit-view and edge ends need no measuring either.
 */
import type { Edge, Node, NodeHandle } from '@xyflow/react';
import { Position } from '@xyflow/react';
import type { LaidEdge, LaidNode } from './layout';

/** The old side's handle (`.handle-out`: 11 px + 2 px border each side, 7 px outside the node's right edge). */
const OUT = 15;

function handlesOf(n: LaidNode): NodeHandle[] {
  const { width, height } = n;
  return n.data.side === 'old'
    ? [{ id: 'out', type: 'source', position: Position.Right, x: width - OUT + 7, y: (height - OUT) / 2, width: OUT, height: OUT }]
    : [{ id: 'in', type: 'target', position: Position.Left, x: 0, y: 0, width, height }];
}

/** Shallow equality of two data records, one level deeper for plain objects (a group's status counts). */
function sameData(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (x && y && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x) && !Array.isArray(y)) {
      if (!sameData(x as Record<string, unknown>, y as Record<string, unknown>)) return false;
    } else return false;
  }
  return true;
}

export type NodeCache = Map<string, Node>;
export type EdgeCache = Map<string, Edge>;

/** The nodes to hand React Flow, reusing `cache`'s object for each unchanged one; `cache` becomes this render's. */
export function stableNodes(laid: readonly LaidNode[], cache: NodeCache): Node[] {
  const out: Node[] = new Array(laid.length);
  const next: NodeCache = new Map();
  for (let i = 0; i < laid.length; i++) {
    const n = laid[i]!;
    const prev = cache.get(n.id);
    const node =
      prev && prev.type === n.type && prev.position.x === n.position.x && prev.position.y === n.position.y && prev.width === n.width && prev.height === n.height && sameData(prev.data, n.data)
        ? prev
        : {
            id: n.id, type: n.type, position: n.position, data: n.data, draggable: false, selectable: false, connectable: true,
            // The layout's sizes, declared: fit-view counts every node (it skips unmeasured ones), and a node keeps the
            // column's width once React Flow has its handles.
            width: n.width, height: n.height, initialWidth: n.width, initialHeight: n.height, measured: { width: n.width, height: n.height },
            handles: handlesOf(n),
          };
    out[i] = node;
    next.set(n.id, node);
  }
  cache.clear();
  for (const [k, v] of next) cache.set(k, v);
  return out;
}

const edgeTestId = (e: LaidEdge) => (e.data.to ? `edge-${e.data.to}${e.data.sources > 1 ? `-${e.data.source}` : ''}` : `edge-${e.source}-${e.target}`);

/** The edges to hand React Flow, reusing `cache`'s object for each unchanged one; `cache` becomes this render's. */
export function stableEdges(laid: readonly LaidEdge[], cache: EdgeCache): Edge[] {
  const out: Edge[] = new Array(laid.length);
  const next: EdgeCache = new Map();
  for (let i = 0; i < laid.length; i++) {
    const e = laid[i]!;
    const prev = cache.get(e.id);
    const edge =
      prev && prev.source === e.source && prev.target === e.target && sameData(prev.data!, e.data)
        ? prev
        : {
            ...e,
            type: 'status',
            selectable: false,
            domAttributes: { 'data-testid': edgeTestId(e), 'data-status': e.data.status } as Record<string, string>,
          };
    out[i] = edge;
    next.set(e.id, edge);
  }
  cache.clear();
  for (const [k, v] of next) cache.set(k, v);
  return out;
}
