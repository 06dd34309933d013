/**
 * The canvas as data: old variables in a column on the left, new on the right, each grouped by scope/layer under a
 * group node that collapses; edges from the plan (a collapsed group stands in for its variables, and edges that
 * meet the same two nodes merge into one with a count). Pure: positions depend only on what is shown.
 */
import type { Confidence, Plan, PlanEntry, PlanStatus } from '../../core/mapping';
import type { VariableData } from '../../worker/client';

export type Side = 'old' | 'new';
/** An edge's colour: the plan status of its entry, or a proposal waiting to be accepted. */
export type EdgeStatus = 'exact' | 'transformed' | 'incompatible' | 'pending';
/** A variable's colour: a new one by its entry's status, an old one by whether anything uses it. */
export type NodeStatus = PlanStatus | 'pending' | 'used' | 'unused' | 'excluded';

export interface GroupNodeData extends Record<string, unknown> {
  side: Side;
  group: string;
  count: number;
  collapsed: boolean;
  /** How many of its variables have each status: the aggregate a collapsed group shows. */
  statuses: Partial<Record<NodeStatus, number>>;
}

export interface VariableNodeData extends Record<string, unknown> {
  side: Side;
  name: string;
  dtype: string;
  shape: number[];
  status: NodeStatus;
  selected: boolean;
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

export const NODE_WIDTH = 300;
export const COLUMN_GAP = 360;
export const ROW = 30;
export const GROUP_ROW = 36;
const GAP = 4;
const GROUP_GAP = 14;
/** A side with more variables than this opens with its groups collapsed. */
export const COLLAPSE_FROM = 120;

export const nodeId = (side: Side, name: string) => `${side}:${name}`;
export const groupId = (side: Side, group: string) => `${side}-group:${group}`;

export interface LayoutInput {
  olds: readonly VariableData[];
  news: readonly VariableData[];
  plan: Plan | null;
  entryOf: (to: string) => PlanEntry | undefined;
  shown: { old: Set<string>; new: Set<string> };
  /** Group ids whose collapsed state was flipped from the default. */
  flipped: Record<string, boolean>;
  /** When filtering, groups open by default so matches show. */
  filtering: boolean;
  /** Order of old groups (e.g. by where their variables go); groups not listed follow in file order. */
  oldGroupOrder?: readonly string[];
  selected: { slot: Side; name: string } | null;
}

const EDGE_RANK: Record<EdgeStatus, number> = { exact: 0, transformed: 1, pending: 2, incompatible: 3 };

function groupsOf(vars: readonly VariableData[], shown: Set<string>, order?: readonly string[]): [string, VariableData[]][] {
  const m = new Map<string, VariableData[]>();
  for (const g of order ?? []) m.set(g, []);
  for (const v of vars) {
    if (!shown.has(v.name)) continue;
    const list = m.get(v.group);
    if (list) list.push(v);
    else m.set(v.group, [v]);
  }
  return [...m].filter(([, list]) => list.length > 0);
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
  collapsed: boolean;
  /** A group's shown variables, or the one variable. */
  vars: readonly VariableData[];
}

export interface Arrangement {
  placed: Placed[];
  /** Where each variable is drawn (`side\0name`): its own node, or its collapsed group's. */
  at: Map<string, string>;
}

export type ArrangeInput = Pick<LayoutInput, 'olds' | 'news' | 'shown' | 'flipped' | 'filtering' | 'oldGroupOrder'>;

/** The columns: computed once per inputs, filter and collapse state — never per plan or selection. */
export function arrange(input: ArrangeInput): Arrangement {
  const { shown, flipped } = input;
  const placed: Placed[] = [];
  const at = new Map<string, string>();
  const column = (side: Side, vars: readonly VariableData[], order?: readonly string[]) => {
    const x = side === 'old' ? 0 : NODE_WIDTH + COLUMN_GAP;
    const shownHere = shown[side];
    const collapseDefault = !input.filtering && shownHere.size > COLLAPSE_FROM;
    let y = 0;
    for (const [group, list] of groupsOf(vars, shownHere, order)) {
      const id = groupId(side, group);
      const collapsed = flipped[id] ? !collapseDefault : collapseDefault;
      placed.push({ id, type: 'vargroup', side, position: { x, y }, width: NODE_WIDTH, height: GROUP_ROW, group, collapsed, vars: list });
      y += GROUP_ROW + GAP;
      for (const v of list) {
        const key = `${side}\0${v.name}`;
        if (collapsed) {
          at.set(key, id);
          continue;
        }
        const vid = nodeId(side, v.name);
        at.set(key, vid);
        placed.push({ id: vid, type: 'variable', side, position: { x: x + 12, y }, width: NODE_WIDTH - 12, height: ROW, group, collapsed: false, vars: [v] });
        y += ROW + GAP;
      }
      y += GROUP_GAP;
    }
  };
  column('old', input.olds, input.oldGroupOrder);
  column('new', input.news);
  return { placed, at };
}

export type DecorateInput = Pick<LayoutInput, 'plan' | 'entryOf' | 'selected'>;

/** Colours an arrangement with the plan (node statuses, a group's aggregate, the edges) and marks the selection. */
export function decorate({ placed, at }: Arrangement, { plan, entryOf, selected }: DecorateInput): { nodes: LaidNode[]; edges: LaidEdge[] } {
  const used = new Set<string>();
  for (const e of plan?.entries ?? []) for (const f of e.from) used.add(f);
  const unused = new Set(plan?.unused ?? []);
  const statusOf = (side: Side, name: string): NodeStatus => {
    if (side === 'old') return used.has(name) ? 'used' : unused.has(name) ? 'unused' : 'excluded';
    const e = entryOf(name);
    return e?.pending ? 'pending' : (e?.status ?? 'initialised');
  };
  const nodes: LaidNode[] = placed.map((p) => {
    const { id, type, side, position, width, height } = p;
    if (type === 'vargroup') {
      const statuses: GroupNodeData['statuses'] = {};
      for (const v of p.vars) {
        const s = statusOf(side, v.name);
        statuses[s] = (statuses[s] ?? 0) + 1;
      }
      return { id, type, position, width, height, data: { side, group: p.group, count: p.vars.length, collapsed: p.collapsed, statuses } };
    }
    const v = p.vars[0]!;
    const isSel = selected?.slot === side && selected.name === v.name;
    return { id, type, position, width, height, data: { side, name: v.name, dtype: v.dtype, shape: v.shape, status: statusOf(side, v.name), selected: isSel } };
  });

  const edges = new Map<string, LaidEdge>();
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
          selected: selected?.slot === 'new' && selected.name === e.to,
        },
      });
    });
  }
  return { nodes, edges: [...edges.values()] };
}

export function layout(input: LayoutInput): { nodes: LaidNode[]; edges: LaidEdge[] } {
  return decorate(arrange(input), input);
}

/** Old groups ordered by the first new variable they feed, so edges cross less; unused groups keep file order last. */
export function oldGroupOrder(olds: readonly VariableData[], plan: Plan | null): string[] {
  const firstUse = new Map<string, number>();
  const groupOf = new Map(olds.map((v) => [v.name, v.group]));
  plan?.entries.forEach((e, i) => {
    for (const f of [...e.from, ...(e.pending?.from ?? [])]) {
      const g = groupOf.get(f);
      if (g !== undefined && !firstUse.has(g)) firstUse.set(g, i);
    }
  });
  const groups = [...new Set(olds.map((v) => v.group))];
  const fileIndex = new Map(groups.map((g, i) => [g, i]));
  return groups.sort((a, b) => (firstUse.get(a) ?? Infinity) - (firstUse.get(b) ?? Infinity) || fileIndex.get(a)! - fileIndex.get(b)!);
}
