/** The React Flow canvas: draws the recipe's plan and turns drags into recipe edits. It decides no mapping itself. */
import { useCallback, useDeferredValue, useMemo, useRef } from 'react';
import { Background, Controls, ReactFlow, type Connection, type Edge, type Node, type ReactFlowInstance } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { entryFor, selectPlan } from '../../state/plan';
import { useGraft } from '../../state/store';
import type { VariableData } from '../../worker/client';
import { ConnectionHint, connectionVerdict } from './ConnectionHint';
import { filtersActive, visibleNames } from './filter';
import { COLUMN_GAP, NODE_WIDTH, arrange, decorate, oldGroupOrder } from './layout';
import { Legend } from './Legend';
import { GroupNodeView, VariableNodeView } from './nodes';
import { type EdgeCache, type NodeCache, stableEdges, stableNodes } from './stable';
import { StatusEdge } from './StatusEdge';

const nodeTypes = { variable: VariableNodeView, vargroup: GroupNodeView };
const edgeTypes = { status: StatusEdge };
const NONE: VariableData[] = [];
const PRO = { hideAttribution: true };

/** Shift held while dropping adds the old variable as one more source instead of replacing the link. */
let shiftHeld = false;
if (typeof window !== 'undefined') {
  const track = (e: KeyboardEvent | PointerEvent) => (shiftHeld = e.shiftKey);
  window.addEventListener('keydown', track);
  window.addEventListener('keyup', track);
  window.addEventListener('pointermove', track);
}

export function Canvas() {
  const olds = useGraft((s) => s.slots.old.data?.variables ?? NONE);
  const news = useGraft((s) => s.slots.new.data?.variables ?? NONE);
  const plan = useGraft(selectPlan);
  const recipeKey = useGraft((s) => s.recipeKey);
  const search = useGraft((s) => s.search);
  const statusFilter = useGraft((s) => s.statusFilter);
  const problemsOnly = useGraft((s) => s.problemsOnly);
  const showState = useGraft((s) => s.showState);
  const flipped = useGraft((s) => s.flipped);
  const selected = useGraft((s) => s.selected);
  const select = useGraft((s) => s.select);
  const link = useGraft((s) => s.link);
  const proposeGroupDrop = useGraft((s) => s.proposeGroupDrop);
  const toggleNodeGroup = useGraft((s) => s.toggleNodeGroup);

  // Typing in the search or flipping a filter is urgent; redrawing thousands of nodes for it is not.
  const filters = useDeferredValue(
    useMemo(() => ({ search, statusFilter, problemsOnly, showState }), [search, statusFilter, problemsOnly, showState]),
  );
  const entryOf = useCallback((to: string) => entryFor(plan, to), [plan]);
  // What is shown depends on the plan only when filtering by status: an edit must not move the columns.
  const narrowed = filters.statusFilter !== null || filters.problemsOnly;
  const planForShown = narrowed ? plan : null;
  const shownRef = useRef<{ old: Set<string>; new: Set<string> } | null>(null);
  const shown = useMemo(() => {
    const next = visibleNames(olds, news, planForShown, filters, (to) => entryFor(planForShown, to));
    const prev = shownRef.current;
    const same = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));
    return (shownRef.current = prev && same(prev.old, next.old) && same(prev.new, next.new) ? prev : next);
  }, [olds, news, planForShown, filters]);
  // The old column's order is decided once per pair of inputs (not on every plan change, hence the plan through a
  // ref): it must not move under the person's hand.
  const planRef = useRef(plan);
  planRef.current = plan;
  const order = useMemo(() => oldGroupOrder(olds, planRef.current), [olds, recipeKey]);
  const filtering = filtersActive(filters);
  // Positions once per inputs, filter and collapse state; colours and selection on top (cheap, per change).
  const arranged = useMemo(
    () => arrange({ olds, news, shown, flipped, filtering, oldGroupOrder: order }),
    [olds, news, shown, flipped, filtering, order],
  );
  const laid = useMemo(() => decorate(arranged, { plan, entryOf, selected }), [arranged, plan, entryOf, selected]);
  // Unchanged nodes and edges keep their objects: React Flow and React skip them.
  const nodeCache = useRef<NodeCache>(new Map());
  const edgeCache = useRef<EdgeCache>(new Map());
  const nodes: Node[] = useMemo(() => stableNodes(laid.nodes, nodeCache.current), [laid.nodes]);
  const edges: Edge[] = useMemo(() => stableEdges(laid.edges, edgeCache.current), [laid.edges]);
  const nodeData = useMemo(() => new Map(laid.nodes.map((n) => [n.id, n.data])), [laid.nodes]);

  const isValidConnection = useCallback(
    (c: Connection | Edge) => connectionVerdict(nodeData.get(c.source), nodeData.get(c.target)).ok,
    [nodeData],
  );
  const onConnect = useCallback(
    (c: Connection) => {
      const from = nodeData.get(c.source) as { name?: string; group?: string } | undefined;
      const to = nodeData.get(c.target) as { name?: string; group?: string } | undefined;
      if (!from || !to) return;
      if (from.name !== undefined && to.name !== undefined) {
        link(from.name, to.name, { add: shiftHeld });
        select({ slot: 'new', name: to.name });
      } else if (from.group !== undefined && to.group !== undefined) proposeGroupDrop(from.group, to.group);
    },
    [nodeData, link, select, proposeGroupDrop],
  );
  const onNodeClick = useCallback(
    (_: unknown, node: Node) => {
      const d = node.data as { side: 'old' | 'new'; name?: string };
      if (d.name !== undefined) select({ slot: d.side, name: d.name });
      else toggleNodeGroup(node.id);
    },
    [select, toggleNodeGroup],
  );
  const onEdgeClick = useCallback(
    (_: unknown, edge: Edge) => {
      const to = (edge.data as { to: string | null } | undefined)?.to;
      if (to) select({ slot: 'new', name: to });
    },
    [select],
  );
  const onInit = useCallback((rf: ReactFlowInstance) => {
    const el = document.querySelector('.canvas-flow');
    const width = el?.clientWidth ?? 1000;
    const total = NODE_WIDTH * 2 + COLUMN_GAP;
    const zoom = Math.min(1, Math.max(0.3, (width - 60) / total));
    void rf.setViewport({ x: (width - total * zoom) / 2, y: 16, zoom });
  }, []);

  if (!recipeKey || !plan) {
    return (
      <div className="canvas-wrap" data-testid="canvas">
        <div className="canvas-waiting busy" data-testid="canvas-waiting">
          Matching the old variables to the new ones…
        </div>
      </div>
    );
  }
  return (
    <div className="canvas-wrap" data-testid="canvas">
      <div className="canvas-columns" aria-hidden="true">
        <span className="col-old">OLD checkpoint — drag from ● onto a new variable</span>
        <span className="col-new">NEW model</span>
      </div>
      <ReactFlow
        key={recipeKey}
        className="canvas-flow"
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onlyRenderVisibleElements
        nodesDraggable={false}
        elementsSelectable={false}
        connectOnClick={false}
        deleteKeyCode={null}
        selectionKeyCode={null}
        multiSelectionKeyCode={null}
        minZoom={0.05}
        maxZoom={2}
        panOnScroll
        isValidConnection={isValidConnection}
        onConnect={onConnect}
        onNodeClick={onNodeClick}
        onEdgeClick={onEdgeClick}
        onInit={onInit}
        proOptions={PRO}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
        <ConnectionHint />
      </ReactFlow>
      <Legend />
    </div>
  );
}
