/**
 * One side of the canvas as a tree in model order: scopes (`bert` → `encoder` → `layer_7` → `attention`) over the
 * variables, children in the order the model first reaches them, a scope with one child scope and no variables
 * merged into it (`bert/encoder`). Pure.
 */
import { modelOrder, readablePaths } from '../../core/model/model-order';
import type { VariableData } from '../../worker/client';

/** Per side, once per list of variables: model order, readable paths and the text search looks in. */
export interface SideModel {
  /** Variables in model order. */
  ordered: VariableData[];
  /** By stored name: the readable path's segments (scopes, then the variable's own name). */
  readable: Map<string, string[]>;
  /** By stored name: lowercase stored name, readable path, object path, original name, Keras key, layer class. */
  haystack: Map<string, string>;
  byName: Map<string, VariableData>;
}

export function sideModel(vars: readonly VariableData[], format: string): SideModel {
  const paths = readablePaths(vars);
  const readable = new Map<string, string[]>();
  vars.forEach((v, i) => readable.set(v.name, paths[i]!));
  let haystack: Map<string, string> | null = null;
  let byName: Map<string, VariableData> | null = null;
  return {
    ordered: modelOrder(vars, format).map((i) => vars[i]!),
    readable,
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
  /** Every shown variable under it, in model order. */
  vars: VariableData[];
  /** The file's group (`TensorInfo.group`) its variables all share; null when they differ. */
  group: string | null;
}

export type TreeChild = { scope: TreeScope } | { variable: VariableData };

/** The shown variables of one side as a tree (the root's key is ''). */
export function buildTree(model: SideModel, shown: ReadonlySet<string>): TreeScope {
  const root: TreeScope = { key: '', label: '', depth: -1, children: [], vars: [], group: null };
  // Each scope's child scopes by segment: a variable walks its path without building a key string per level.
  const inside = new Map<TreeScope, Map<string, TreeScope>>();
  for (const v of model.ordered) {
    if (!shown.has(v.name)) continue;
    const path = model.readable.get(v.name) ?? [v.name];
    let at = root;
    at.vars.push(v);
    for (let i = 0; i < path.length - 1; i++) {
      let below = inside.get(at);
      if (!below) inside.set(at, (below = new Map()));
      let next = below.get(path[i]!);
      if (!next) {
        next = { key: at.key ? `${at.key}/${path[i]}` : path[i]!, label: path[i]!, depth: at.depth + 1, children: [], vars: [], group: v.group };
        below.set(path[i]!, next);
        at.children.push({ scope: next });
      } else if (next.group !== null && next.group !== v.group) next.group = null;
      next.vars.push(v);
      at = next;
    }
    at.children.push({ variable: v });
  }
  merge(root);
  return root;
}

/** Merges each scope whose only child is a scope into it, and renumbers depths. */
function merge(scope: TreeScope): void {
  scope.children = scope.children.map((c) => {
    if (!('scope' in c)) return c;
    let s = c.scope;
    while (s.children.length === 1 && 'scope' in s.children[0]!) {
      const only = s.children[0].scope;
      s = { ...only, label: `${s.label}/${only.label}` };
    }
    s.depth = scope.depth + 1;
    merge(s);
    return { scope: s };
  });
}

/**
 * How deep scopes open by default: the deepest level whose rows still fit in `budget` (everything, when it all
 * fits). Scopes shallower than the returned depth are open.
 */
export function openDepth(root: TreeScope, budget: number): number {
  // rows[d]: rows shown when scopes of depth < d are open (scopes at depth ≤ d and the variables of open scopes).
  const scopesAt: number[] = [];
  const varsUnder: number[] = [];
  let topVars = 0;
  const walk = (s: TreeScope) => {
    for (const c of s.children) {
      if ('scope' in c) {
        scopesAt[c.scope.depth] = (scopesAt[c.scope.depth] ?? 0) + 1;
        walk(c.scope);
      } else if (s.depth < 0) topVars++;
      else varsUnder[s.depth] = (varsUnder[s.depth] ?? 0) + 1;
    }
  };
  walk(root);
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
