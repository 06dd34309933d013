/**
 * One side of the canvas as a tree in model order: scopes (`bert` → `encoder` → `layer_7` → `attention`) over the
 * variables, children in the order the model first reaches them, a scope with one child scope and no variables
 * merged into it (`bert/encoder`). Pure.
 */
import { modelOrderOf, readablePaths } from '../../core/model/model-order';
import type { VariableData } from '../../worker/client';

/** Per side, once per list of variables: model order, readable paths and the text search looks in. */
export interface SideModel {
  /** Variables in model order. */
  ordered: VariableData[];
  /** The readable path of each of `ordered`, at the same index. */
  orderedPaths: string[][];
  /** By stored name: the readable path's segments (scopes, then the variable's own name). */
  readonly readable: Map<string, string[]>;
  /** By stored name: lowercase stored name, readable path, object path, original name, Keras key, layer class. */
  haystack: Map<string, string>;
  byName: Map<string, VariableData>;
}

export function sideModel(vars: readonly VariableData[], format: string): SideModel {
  const paths = readablePaths(vars);
  const order = modelOrderOf(vars, format);
  let readable: Map<string, string[]> | null = null;
  let haystack: Map<string, string> | null = null;
  let byName: Map<string, VariableData> | null = null;
  return {
    ordered: order.map((i) => vars[i]!),
    orderedPaths: order.map((i) => paths[i]!),
    // By name only once a colour or a search asks: the tree and the first draw read paths by model-order index.
    get readable() {
      if (!readable) {
        readable = new Map();
        for (let i = 0; i < vars.length; i++) readable.set(vars[i]!.name, paths[i]!);
      }
      return readable;
    },
    // Built on the first search, not when the side opens: 50,000 lowercase copies cost seconds on the first draw.
    get haystack() {
      if (!haystack) {
        haystack = new Map();
        vars.forEach((v, i) => haystack!.set(v.name, [v.name, paths[i]!.join('/'), v.path, v.originalName, v.kerasPath, v.layerClass].filter(Boolean).join('\n').toLowerCase()));
      }
      return haystack;
    },
    // Wanted once the plan colours the canvas, not for its first draw.
    get byName() {
      return (byName ??= new Map(vars.map((v) => [v.name, v])));
    },
  };
}

export interface TreeScope {
  /** The scope's readable path, unique on its side: the node's key. */
  key: string;
  /** What the row shows: its own segment(s), e.g. `layer_7` or `bert/encoder` when merged. */
  label: string;
  depth: number;
  children: TreeChild[];
  /** Every shown variable under it, in model order (gathered from below when first read). */
  readonly vars: VariableData[];
  /** How many shown variables are under it, and the first of them in model order. */
  count: number;
  first: VariableData | null;
  /** The file's group (`TensorInfo.group`) its variables all share; null when they differ. */
  group: string | null;
}

/** A variable in the tree, with its place in model order. */
export type TreeChild = { scope: TreeScope } | { variable: VariableData; order: number };

/**
 * A scope whose variables are listed only when asked for: a large side's first draw needs each scope's count, and
 * a list per scope per variable (seven levels deep for 50,000 variables) was most of building the tree.
 */
class Scope implements TreeScope {
  children: TreeChild[] = [];
  count = 0;
  first: VariableData | null = null;
  group: string | null;
  key: string;
  label: string;
  depth: number;
  /** Child scopes by segment, while the tree is built. */
  below: Map<string, Scope> | null = null;
  private gathered: VariableData[] | null = null;
  constructor(key: string, label: string, depth: number, group: string | null) {
    this.key = key;
    this.label = label;
    this.depth = depth;
    this.group = group;
  }
  get vars(): VariableData[] {
    return (this.gathered ??= gather(this));
  }
}

/** What `openDepth` counts, gathered while the tree is merged (a walk over every row of a large side saved). */
interface RowCounts {
  scopesAt: number[];
  varsUnder: number[];
  topVars: number;
}

const rowCounts = new WeakMap<TreeScope, RowCounts>();

/** The variables under a scope in model order: depth first, sorted back only where the model order interleaves scopes. */
function gather(scope: TreeScope): VariableData[] {
  const found: { variable: VariableData; order: number }[] = [];
  const walk = (s: TreeScope) => {
    for (const c of s.children) {
      if ('scope' in c) walk(c.scope);
      else found.push(c);
    }
  };
  walk(scope);
  for (let i = 1; i < found.length; i++) {
    if (found[i]!.order < found[i - 1]!.order) {
      found.sort((x, y) => x.order - y.order);
      break;
    }
  }
  return found.map((c) => c.variable);
}

/** The shown variables of one side as a tree (the root's key is ''). */
export function buildTree(model: SideModel, shown: ReadonlySet<string>): TreeScope {
  const root = new Scope('', '', -1, null);
  // The scopes of the previous variable's path: model order keeps a scope's variables together, so a variable
  // usually walks the same scopes as the one before it and needs no lookup for them.
  let lastPath: readonly string[] = [];
  const lastScopes: Scope[] = [];
  const { ordered, orderedPaths } = model;
  for (let order = 0; order < ordered.length; order++) {
    const v = ordered[order]!;
    if (!shown.has(v.name)) continue;
    const path = orderedPaths[order]!;
    let at: Scope = root;
    root.count++;
    root.first ??= v;
    let same = true;
    for (let i = 0; i < path.length - 1; i++) {
      const segment = path[i]!;
      let next: Scope | undefined;
      if (same && i < lastPath.length - 1 && lastPath[i] === segment) next = lastScopes[i]!;
      else {
        same = false;
        next = (at.below ??= new Map()).get(segment);
      }
      if (!next) {
        next = new Scope(at.key ? `${at.key}/${segment}` : segment, segment, at.depth + 1, v.group);
        next.first = v;
        at.below!.set(segment, next);
        at.children.push({ scope: next });
      } else if (next.group !== null && next.group !== v.group) next.group = null;
      next.count++;
      lastScopes[i] = next;
      at = next;
    }
    lastPath = path;
    at.children.push({ variable: v, order });
  }
  const counts: RowCounts = { scopesAt: [], varsUnder: [], topVars: 0 };
  merge(root, counts);
  rowCounts.set(root, counts);
  return root;
}

/** Merges each scope whose only child is a scope into it, renumbers depths, and counts rows per depth. */
function merge(scope: Scope, counts: RowCounts): void {
  scope.below = null;
  const children = scope.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (!('scope' in c)) {
      if (scope.depth < 0) counts.topVars++;
      else counts.varsUnder[scope.depth] = (counts.varsUnder[scope.depth] ?? 0) + 1;
      continue;
    }
    let s = c.scope as Scope;
    while (s.children.length === 1 && 'scope' in s.children[0]!) {
      const only = s.children[0].scope as Scope;
      // Only its parent held it, and that parent is dropped: it takes the merged label itself.
      only.label = `${s.label}/${only.label}`;
      s = only;
    }
    s.depth = scope.depth + 1;
    counts.scopesAt[s.depth] = (counts.scopesAt[s.depth] ?? 0) + 1;
    merge(s, counts);
    if (s !== c.scope) children[i] = { scope: s };
  }
}

/**
 * How deep scopes open by default: the deepest level whose rows still fit in `budget` (everything, when it all
 * fits). Scopes shallower than the returned depth are open.
 */
export function openDepth(root: TreeScope, budget: number): number {
  // rows[d]: rows shown when scopes of depth < d are open (scopes at depth ≤ d and the variables of open scopes).
  const counted = rowCounts.get(root);
  const scopesAt: number[] = counted ? counted.scopesAt : [];
  const varsUnder: number[] = counted ? counted.varsUnder : [];
  let topVars = counted ? counted.topVars : 0;
  const walk = (s: TreeScope) => {
    for (const c of s.children) {
      if ('scope' in c) {
        scopesAt[c.scope.depth] = (scopesAt[c.scope.depth] ?? 0) + 1;
        walk(c.scope);
      } else if (s.depth < 0) topVars++;
      else varsUnder[s.depth] = (varsUnder[s.depth] ?? 0) + 1;
    }
  };
  if (!counted) walk(root);
  let best = 0;
  for (let d = 0; d <= scopesAt.length; d++) {
    let rows = topVars;
    for (let k = 0; k <= d; k++) rows += scopesAt[k] ?? 0;
    for (let k = 0; k < d; k++) rows += varsUnder[k] ?? 0;
    if (rows > budget) break;
    best = d;
  }
  return best >= scopesAt.length ? Infinity : best;
}
