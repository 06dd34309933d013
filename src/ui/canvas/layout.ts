/**
 * The canvas as data: old variables in a column on the left, new on the right, each side a tree of scopes in model
 * order (tree.ts) whose scope nodes collapse; each row with its diff (diff.ts); edges from the plan (a collapsed
 * scope stands in for its variables, and edges that meet the same two nodes merge into one with a count). Pure:
 * positions depend only on what is shown.
 */
import type { Confidence, Plan, PlanEntry, PlanStatus } from '../../core/mapping';
import type { VariableData } from '../../worker/client';
import { type Diff, type DiffTally, type DiffVar, newVariableDiff, oldVariableDiff, sameDiffs, tallyDiff } from './diff';
import { type SideModel, type TreeScope, buildTree, openDepth, sideModel } from './tree';

export type Side = 'old' | 'new';
/** An edge's colour: the plan status of its entry, or a proposal waiting to be accepted. */
export type EdgeStatus = 'exact' | 'transformed' | 'incompatible' | 'pending';
/** A variable's colour: a new one by its entry's status, an old one by whether anything uses it. */
export type NodeStatus = PlanStatus | 'pending' | 'used' | 'unused' | 'excluded';

export interface GroupNodeData extends Record<string, unknown> {
  side: Side;
  /** The scope's readable path (its key). */
  group: string;
  /** Its own segment(s) of that path. */
  label: string;
  depth: number;
  /** The file's group (`TensorInfo.group`) when all its variables share one: a scope dropped on a scope links by it. */
  dropGroup?: string;
  count: number;
  collapsed: boolean;
  /** How many of its variables have each status: the aggregate a collapsed group shows. */
  statuses: Partial<Record<NodeStatus, number>>;
  diff?: Diff;
  /** The keyboard cursor is on it. */
  cursor: boolean;
}

export interface VariableNodeData extends Record<string, unknown> {
  side: Side;
  name: string;
  /** The variable's own name (`kernel`), and its whole readable path (`encoder_dense/kernel`). */
  label: string;
  full: string;
  dtype: string;
  shape: number[];
  status: NodeStatus;
  selected: boolean;
  diff?: Diff;
  cursor: boolean;
  /** The old variable a keyboard link starts from. */
  linking?: boolean;
}

export interface LaidNode {
  id: string;
  type: 'vargroup' | 'variable';
  position: { x: number; y: number };
  width: number;
  height: number;
  data: GroupNodeData | VariableNodeData;
}

export interface EdgeData extends Record<string, unknown> {
  status: EdgeStatus;
  /** The new variable it leads to, for one variable edge; null when it merges several. */
  to: string | null;
  /** Index of the source among the entry's sources (testids of links with several). */
  source: number;
  sources: number;
  count: number;
  confidence?: Confidence;
  selected: boolean;
}

export interface LaidEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle: string;
  targetHandle: string;
  data: EdgeData;
}

export const NODE_WIDTH = 320;
export const COLUMN_GAP = 340;
export const ROW = 30;
export const GROUP_ROW = 32;
const GAP = 4;
const GROUP_GAP = 6;
/** Indentation per tree level. */
export const INDENT = 14;
/** A side opens with scopes open down to the deepest level whose rows stay within this many. */
export const OPEN_ROWS = 400;

export const nodeId = (side: Side, name: string) => `${side}:${name}`;
export const groupId = (side: Side, group: string) => `${side}-group:${group}`;

export interface LayoutInput {
  olds: readonly VariableData[];
  news: readonly VariableData[];
  /** Each side's format id or model JSON kind: whether its listing is already in model order. */
  formats?: { old: string; new: string };
  plan: Plan | null;
  entryOf: (to: string) => PlanEntry | undefined;
  shown: { old: Set<string>; new: Set<string> };
  /** Group ids whose collapsed state was flipped from the default. */
  flipped: Record<string, boolean>;
  /** When filtering, groups open by default so matches show. */
  filtering: boolean;
  selected: { slot: Side; name: string } | null;
  /** The keyboard cursor's node id, and the old variable a keyboard link starts from. */
  cursor?: string | null;
  linkFrom?: string | null;
}

const EDGE_RANK: Record<EdgeStatus, number> = { exact: 0, transformed: 1, pending: 2, incompatible: 3 };

const models = new WeakMap<readonly VariableData[], Map<string, SideModel>>();

/** The side's model order and readable paths, computed once per list of variables. */
export function sideModelOf(vars: readonly VariableData[], format: string): SideModel {
  let byFormat = models.get(vars);
  if (!byFormat) models.set(vars, (byFormat = new Map()));
  let m = byFormat.get(format);
  if (!m) byFormat.set(format, (m = sideModel(vars, format)));
  return m;
}

const trees = new WeakMap<SideModel, { shown: ReadonlySet<string>; root: TreeScope }>();

/** Whether two sets hold the same names (the same Set at once). */
export const sameNames = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
};

/** The side's tree of the shown variables, reused while they are the same ones (the last tree per side is kept). */
export function treeOf(model: SideModel, shown: ReadonlySet<string>): TreeScope {
  const last = trees.get(model);
  if (last && sameNames(last.shown, shown)) return last.root;
  const root = buildTree(model, shown);
  trees.set(model, { shown, root });
  return root;
}

/**
 * Builds one side's model order, readable paths and tree ahead, while the other side is still opening: the first
 * draw then finds them made. `shown` is what the canvas will show of it (a different set only costs the reuse).
 */
export function warmSide(vars: readonly VariableData[], format: string, shown: ReadonlySet<string>): void {
  treeOf(sideModelOf(vars, format), shown);
}

/** Where a group or variable is drawn, before the plan colours it: positions depend only on what is shown. */
export interface Placed {
  id: string;
  type: 'vargroup' | 'variable';
  side: Side;
  position: { x: number; y: number };
  width: number;
  height: number;
  group: string;
  label: string;
  depth: number;
  collapsed: boolean;
  /** A group's shown variables (listed when first read), or the one variable. */
  readonly vars: readonly VariableData[];
  /** How many, and the first of them. */
  count: number;
  first: VariableData;
  /** A variable's readable path. */
  full?: string;
  /** A group's file group (`TensorInfo.group`) when all its variables share one. */
  dropGroup?: string;
}

export interface Arrangement {
  placed: Placed[];
  /** Where each variable is drawn (`side\0name`): its own node, or its collapsed group's. */
  at: Map<string, string>;
  /** Each side's model order, readable paths and variables by name (for the diff column). */
  models: { old: SideModel; new: SideModel };
}

export type ArrangeInput = Pick<LayoutInput, 'olds' | 'news' | 'formats' | 'shown' | 'flipped' | 'filtering'>;

/** The columns: computed once per inputs, filter and collapse state — never per plan or selection. */
export function arrange(input: ArrangeInput): Arrangement {
  const { shown, flipped } = input;
  const placed: Placed[] = [];
  const column = (side: Side, model: SideModel) => {
    const x0 = side === 'old' ? 0 : NODE_WIDTH + COLUMN_GAP;
    const root = treeOf(model, shown[side]);
    const open = input.filtering ? Infinity : openDepth(root, OPEN_ROWS);
    let y = 0;
    // A collapsed scope's insides are not walked: on a large side that is most of the tree.
    const walk = (scope: TreeScope) => {
      for (const c of scope.children) {
        if ('variable' in c) {
          const v = c.variable;
          const vid = nodeId(side, v.name);
          const indent = INDENT * (scope.depth + 1);
          const path = model.orderedPaths[c.order]!;
          placed.push({
            id: vid, type: 'variable', side, position: { x: x0 + indent, y }, width: NODE_WIDTH - indent, height: ROW,
            group: scope.key, label: path[path.length - 1]!, depth: scope.depth + 1, collapsed: false, vars: [v], count: 1, first: v, full: path.join('/'),
          });
          y += ROW + GAP;
          continue;
        }
        const s = c.scope;
        const id = groupId(side, s.key);
        const byDefault = s.depth >= open;
        const collapsed = flipped[id] ? !byDefault : byDefault;
        const indent = INDENT * s.depth;
        placed.push({
          id, type: 'vargroup', side, position: { x: x0 + indent, y }, width: NODE_WIDTH - indent, height: GROUP_ROW, group: s.key, label: s.label, depth: s.depth, collapsed,
          get vars() {
            return s.vars;
          },
          count: s.count, first: s.first!,
          ...(s.group !== null ? { dropGroup: s.group } : {}),
        });
        y += GROUP_ROW + GAP;
        if (!collapsed) walk(s);
        if (s.depth === 0) y += GROUP_GAP;
      }
    };
    walk(root);
  };
  const oldModel = sideModelOf(input.olds, input.formats?.old ?? 'tf-bundle');
  const newModel = sideModelOf(input.news, input.formats?.new ?? 'keras-json');
  column('old', oldModel);
  column('new', newModel);
  let at: Map<string, string> | null = null;
  return {
    placed,
    // Built when first read (edges, search), not for the first draw: one entry per variable.
    get at() {
      return (at ??= drawnAt(placed));
    },
    models: { old: oldModel, new: newModel },
  };
}

/** Where each variable is drawn: its own node, or the collapsed group that holds it (the outermost: the one placed). */
function drawnAt(placed: readonly Placed[]): Map<string, string> {
  const at = new Map<string, string>();
  for (const p of placed) {
    if (p.type === 'variable') at.set(`${p.side}\0${p.first.name}`, p.id);
    else if (p.collapsed) for (const v of p.vars) at.set(`${p.side}\0${v.name}`, p.id);
  }
  return at;
}

export type DecorateInput = Pick<LayoutInput, 'plan' | 'entryOf' | 'selected' | 'cursor' | 'linkFrom'>;
export type ColourInput = Pick<LayoutInput, 'plan' | 'entryOf'>;
export type MarkInput = Pick<LayoutInput, 'selected' | 'cursor' | 'linkFrom'>;
export interface Laid {
  nodes: LaidNode[];
  edges: LaidEdge[];
}

/** Colours an arrangement with the plan and marks the selection, the keyboard cursor and a keyboard link's start. */
export function decorate(arranged: Arrangement, input: DecorateInput): Laid {
  return mark(colour(arranged, input), input);
}

/** Marks the selection, cursor and link start on coloured nodes and edges: unmarked ones keep their objects. */
export function mark({ nodes, edges }: Laid, { selected, cursor = null, linkFrom = null }: MarkInput): Laid {
  return {
    nodes: nodes.map((n) => {
      const d = n.data;
      const isCursor = cursor === n.id;
      if (n.type === 'vargroup') return isCursor ? { ...n, data: { ...d, cursor: true } } : n;
      const v = d as VariableNodeData;
      const isSel = selected?.slot === v.side && selected.name === v.name;
      const linking = v.side === 'old' && linkFrom === v.name;
      return isCursor || isSel || linking ? { ...n, data: { ...v, cursor: isCursor, selected: isSel, ...(linking ? { linking } : {}) } } : n;
    }),
    edges: selected?.slot === 'new' ? edges.map((e) => (e.data.to === selected.name ? { ...e, data: { ...e.data, selected: true } } : e)) : edges,
  };
}

/** Colours an arrangement with the plan: node statuses, diffs, a group's aggregate, the edges (nothing marked). */
export function colour(arranged: Arrangement, { plan, entryOf: ofPlan }: ColourInput): Laid {
  const { placed, models } = arranged;
  // No plan, no entries: every old variable unused, every new one initialised.
  const entryOf = plan ? ofPlan : () => undefined;
  const used = new Set<string>();
  for (const e of plan?.entries ?? []) for (const f of e.from) used.add(f);
  const unused = new Set(plan?.unused ?? []);
  const statusOf = (side: Side, name: string): NodeStatus => {
    // Before matching answers (no plan yet), nothing is used and nothing is known to be left out.
    if (side === 'old') return used.has(name) ? 'used' : !plan || unused.has(name) ? 'unused' : 'excluded';
    const e = entryOf(name);
    return e?.pending ? 'pending' : (e?.status ?? 'initialised');
  };
  const diffVar = (v: VariableData, side: Side): DiffVar => ({ shape: v.shape, dtype: v.dtype, readable: (models[side].readable.get(v.name) ?? [v.name]).join('/') });
  const oldOf = (name: string) => {
    const v = models.old.byName.get(name);
    return v ? diffVar(v, 'old') : undefined;
  };
  const newDiffs = new Map<string, Diff>();
  const feeds = new Map<string, Diff>();
  const diffOf = (side: Side, v: VariableData): Diff => {
    if (side === 'old') return oldVariableDiff(feeds.get(v.name), statusOf('old', v.name) === 'excluded');
    let d = newDiffs.get(v.name);
    if (!d) newDiffs.set(v.name, (d = newVariableDiff(entryOf(v.name), diffVar(v, 'new'), oldOf)));
    return d;
  };
  for (const e of plan?.entries ?? []) {
    const sources = e.from.length > 0 ? e.from : (e.pending?.from ?? []);
    const v = models.new.byName.get(e.to);
    if (sources.length === 0 || !v) continue;
    const d = diffOf('new', v);
    for (const f of sources) if (!feeds.has(f)) feeds.set(f, d);
  }

  const nodes: LaidNode[] = placed.map((p) => {
    const { id, type, side, position, width, height } = p;
    if (type === 'vargroup') {
      const statuses: GroupNodeData['statuses'] = {};
      let tally: DiffTally;
      if (!plan && p.count > 0) {
        // Before matching answers all of a side's variables look alike: one stands for the group's thousands.
        statuses[statusOf(side, p.first.name)] = p.count;
        tally = sameDiffs(diffOf(side, p.first), p.count);
      } else {
        tally = { n: 0, kinds: new Map(), proposed: false };
        for (const v of p.vars) {
          const s = statusOf(side, v.name);
          statuses[s] = (statuses[s] ?? 0) + 1;
          const d = diffOf(side, v);
          const k = tally.kinds.get(d.kind);
          if (k) k.count++;
          else tally.kinds.set(d.kind, { first: d, count: 1 });
          if (d.proposed) tally.proposed = true;
          tally.n++;
        }
      }
      const diff = tallyDiff(tally);
      const data: GroupNodeData = {
        side, group: p.group, label: p.label, depth: p.depth, count: p.count, collapsed: p.collapsed, statuses, cursor: false,
        ...(p.dropGroup !== undefined ? { dropGroup: p.dropGroup } : {}),
        ...(diff ? { diff } : {}),
      };
      return { id, type, position, width, height, data };
    }
    const v = p.first;
    const data: VariableNodeData = {
      side, name: v.name, label: p.label, full: p.full ?? v.name, dtype: v.dtype, shape: v.shape, status: statusOf(side, v.name), selected: false,
      diff: diffOf(side, v), cursor: false,
    };
    return { id, type, position, width, height, data };
  });

  const edges = new Map<string, LaidEdge>();
  const at = plan ? arranged.at : new Map<string, string>();
  for (const e of plan?.entries ?? []) {
    const active = e.status !== 'initialised';
    const from = active ? e.from : (e.pending?.from ?? []);
    if (from.length === 0) continue;
    const target = at.get(`new\0${e.to}`);
    if (!target) continue;
    const status: EdgeStatus = active ? (e.status as EdgeStatus) : 'pending';
    const confidence = active ? e.confidence : e.pending?.confidence;
    from.forEach((f, k) => {
      const source = at.get(`old\0${f}`);
      if (!source) return;
      const single = source.startsWith('old:') && target.startsWith('new:');
      const id = single ? `${e.to}\0${k}` : `${source}\0${target}`;
      const prev = edges.get(id);
      if (prev) {
        prev.data.count++;
        if (EDGE_RANK[status] > EDGE_RANK[prev.data.status]) prev.data.status = status;
        return;
      }
      edges.set(id, {
        id, source, target, sourceHandle: 'out', targetHandle: 'in',
        data: {
          status, to: single ? e.to : null, source: k, sources: from.length, count: 1,
          ...(confidence ? { confidence } : {}),
          selected: false,
        },
      });
    });
  }
  return { nodes, edges: [...edges.values()] };
}

export function layout(input: LayoutInput): Laid {
  return decorate(arrange(input), input);
}
