/** The React Flow canvas: draws the recipe's plan and turns drags into recipe edits. It decides no mapping itself. */
import { useCallback, useDeferredValue, useMemo, useRef } from 'react';
import { Background, Controls, ReactFlow, type Connection, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { PlanEntry } from '../../core/mapping';
import { entryFor, selectPlan } from '../../state/plan';
import { useGraft } from '../../state/store';
import type { VariableData } from '../../worker/client';
import { ConnectionHint, connectionVerdict } from './ConnectionHint';
import { emptyReason, filtersActive, visibleNames } from './filter';
import { COLUMN_GAP, NODE_WIDTH, arrange, colour, mark, sameNames, sideModelOf } from './layout';
import { Legend } from './Legend';
import { GroupNodeView, VariableNodeView } from './nodes';
import { SearchStatus } from './SearchStatus';
import { type EdgeCache, type NodeCache, stableEdges, stableNodes } from './stable';
import { StatusEdge } from './StatusEdge';
import { useCanvasKeys } from './useCanvasKeys';
import { useCanvasView } from './useCanvasView';
import { type Drawn, NO_VARIABLES, drawnSide, flowKeyOf } from './flow-key';
import { sideFormat, warmSidesAhead } from './warm';
import './canvas.css';

const nodeTypes = { variable: VariableNodeView, vargroup: GroupNodeView };
const edgeTypes = { status: StatusEdge };
const NONE = NO_VARIABLES;
const NO_ENTRIES: PlanEntry[] = [];
const PRO = { hideAttribution: true };

/** Shift held while dropping adds the old variable as one more source instead of replacing the link. */
let shiftHeld = false;
if (typeof window !== 'undefined') {
  const track = (e: KeyboardEvent | PointerEvent) => (shiftHeld = e.shiftKey);
  window.addEventListener('keydown', track);
  window.addEventListener('keyup', track);
  window.addEventListener('pointermove', track);
}

if (typeof window !== 'undefined') warmSidesAhead(useGraft.subscribe);

export function Canvas() {
  // A side still opening is drawn empty (what it held before is on its way out), the other side as soon as it is in.
  const olds = useGraft((s) => drawnSide(s.slots.old));
  const news = useGraft((s) => drawnSide(s.slots.new));
  const opening = useGraft((s) => (s.slots.new.status === 'opening' ? 'new' : s.slots.old.status === 'opening' ? 'old' : null));
  const listed = olds !== NONE || news !== NONE;
  const matching = useGraft((s) => s.recipeStatus === 'matching');
  const keyRef = useRef<Drawn | null>(null);
  const flowKey = flowKeyOf(keyRef, olds, news);
  const oldFormat = useGraft((s) => sideFormat('old', s.slots.old.data));
  const newFormat = useGraft((s) => sideFormat('new', s.slots.new.data));
  const formats = useMemo(() => ({ old: oldFormat, new: newFormat }), [oldFormat, newFormat]);
  const plan = useGraft(selectPlan);
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
  // What is shown depends on the plan only when filtering by status or searching (a link's other end stays in view):
  // otherwise an edit must not move the columns.
  const narrowed = filters.statusFilter !== null || filters.problemsOnly || filters.search.trim() !== '';
  const planForShown = narrowed ? plan : null;
  // Read only when searching (each side's search text is built on first use).
  const text = useMemo(() => {
    const old = sideModelOf(olds, formats.old);
    const neu = sideModelOf(news, formats.new);
    return { get old() { return old.haystack; }, get new() { return neu.haystack; } };
  }, [olds, news, formats]);
  const shownRef = useRef<{ old: Set<string>; new: Set<string> } | null>(null);
  const shown = useMemo(() => {
    const next = visibleNames(olds, news, planForShown, filters, (to) => entryFor(planForShown, to), text);
    const prev = shownRef.current;
    if (!prev) return (shownRef.current = next);
    // Each side keeps its previous Set while its names are the same: the tree cache (treeOf) then knows it by
    // identity instead of comparing 50,000 names again on every draw.
    const old = sameNames(prev.old, next.old) ? prev.old : next.old;
    const neu = sameNames(prev.new, next.new) ? prev.new : next.new;
    return (shownRef.current = old === prev.old && neu === prev.new ? prev : { old, new: neu });
  }, [olds, news, planForShown, filters, text]);
  const empty = useMemo(
    () => (shown.old.size + shown.new.size === 0 ? emptyReason(olds, news, planForShown, filters, (to) => entryFor(planForShown, to), text) : null),
    [shown, olds, news, planForShown, filters, text],
  );
  const filtering = filtersActive(filters);
  // Positions once per inputs, filter and collapse state; colours and selection on top (cheap, per change).
  const arranged = useMemo(() => arrange({ olds, news, formats, shown, flipped, filtering }), [olds, news, formats, shown, flipped, filtering]);
  const wrapRef = useRef<HTMLDivElement>(null);
  const placedAt = useMemo(() => new Map(arranged.placed.map((p) => [p.id, p])), [arranged]);
  const view = useCanvasView(placedAt, keyRef.current?.joins ?? 0, wrapRef);
  const { reveal, fitTo } = view;
  const keys = useCanvasKeys(arranged.placed, entryOf, plan?.entries ?? NO_ENTRIES, reveal);
  // Colours per plan; the selection, cursor and link start on top (a few nodes change per key press or click).
  const coloured = useMemo(() => colour(arranged, { plan, entryOf }), [arranged, plan, entryOf]);
  const laid = useMemo(
    () => mark(coloured, { selected, cursor: keys.cursor, linkFrom: keys.linkFrom }),
    [coloured, selected, keys.cursor, keys.linkFrom],
  );
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
      const from = nodeData.get(c.source) as { name?: string; dropGroup?: string } | undefined;
      const to = nodeData.get(c.target) as { name?: string; dropGroup?: string } | undefined;
      if (!from || !to) return;
      if (from.name !== undefined && to.name !== undefined) {
        link(from.name, to.name, { add: shiftHeld });
        select({ slot: 'new', name: to.name });
      } else if (from.dropGroup !== undefined && to.dropGroup !== undefined) proposeGroupDrop(from.dropGroup, to.dropGroup);
    },
    [nodeData, link, select, proposeGroupDrop],
  );
  const { setCursor } = keys;
  const onNodeClick = useCallback(
    (_: unknown, node: Node) => {
      const d = node.data as { side: 'old' | 'new'; name?: string };
      setCursor(node.id);
      wrapRef.current?.focus({ preventScroll: true });
      if (d.name !== undefined) select({ slot: d.side, name: d.name });
      else toggleNodeGroup(node.id);
    },
    [select, toggleNodeGroup, setCursor],
  );
  const onEdgeClick = useCallback(
    (_: unknown, edge: Edge) => {
      const to = (edge.data as { to: string | null } | undefined)?.to;
      if (to) select({ slot: 'new', name: to });
    },
    [select],
  );

  if (!listed) {
    return (
      <div className="canvas-wrap" data-testid="canvas">
        <div className="canvas-waiting busy" data-testid="canvas-waiting">
          Opening both sides…
        </div>
      </div>
    );
  }
  return (
    <div
      ref={wrapRef}
      className="canvas-wrap canvas-keys"
      data-testid="canvas"
      tabIndex={0}
      role="application"
      aria-label="Canvas: ↑/↓ move, ←/→ fold, Tab to the other side, Enter opens or links, L links from an old variable, A accepts, Delete unlinks"
      onKeyDown={keys.onKeyDown}
      onFocus={(e) => {
        if (e.target === e.currentTarget && !keys.cursor) keys.setCursor(arranged.placed[0]?.id ?? null);
      }}
    >
      <div className="canvas-columns" aria-hidden="true">
        <span className="col-old">OLD checkpoint, in model order — drag from ● onto a new variable</span>
        <span className="col-new">NEW model, in model order</span>
      </div>
      {opening ? (
        <div className="canvas-matching busy" role="status" data-testid="canvas-opening">
          Opening the {opening} {opening === 'new' ? 'model' : 'checkpoint'}…
        </div>
      ) : (matching || !plan) && (
        <div className="canvas-matching busy" role="status" data-testid="canvas-matching">
          Matching the old variables to the new ones…
        </div>
      )}
      <SearchStatus search={filters.search} shown={shown} empty={empty} text={text} drawn={arranged} fit={fitTo} />
      {keys.hint && (
        <div className="canvas-keyhint" role="status" data-testid="canvas-keyhint">
          {keys.hint}
        </div>
      )}
      <ReactFlow
        key={flowKey}
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
        nodesFocusable={false}
        edgesFocusable={false}
        disableKeyboardA11y
        minZoom={0.05}
        maxZoom={2}
        panOnScroll
        isValidConnection={isValidConnection}
        onConnect={onConnect}
        onNodeClick={onNodeClick}
        onEdgeClick={onEdgeClick}
        onInit={view.onInit}
        onMoveStart={view.onMoveStart}
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
