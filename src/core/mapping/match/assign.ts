/**
 * Minimum-cost one-to-one assignment (Hungarian method with potentials, O(n²·m) for n ≤ m rows), hand-written
 * because it is small and the npm packages for it are either abandoned or pull in a matrix library.
 * Costs of Infinity mean "never pair these"; such pairs are left out of the result.
 */

/** The method's state over n rows ≤ m columns, 1-based: u/v the potentials, p[j] the row given column j (0: none). */
interface State {
  n: number;
  m: number;
  u: Float64Array;
  v: Float64Array;
  p: Int32Array;
  way: Int32Array;
}

/** Cost of row i, column j (0-based, rows ≤ columns), with Infinity replaced by a finite stand-in. */
function finiteCosts(cost: readonly (readonly number[])[], transposed: boolean, n: number): (i: number, j: number) => number {
  // Finite stand-in for Infinity, above any sum of real costs, so the potentials stay finite.
  let maxFinite = 0;
  for (const row of cost) for (const c of row) if (Number.isFinite(c)) maxFinite = Math.max(maxFinite, Math.abs(c));
  const INF = (maxFinite + 1) * (n + 1) * 4;
  return (i, j) => {
    const c = transposed ? cost[j]![i]! : cost[i]![j]!;
    return Number.isFinite(c) ? c : INF;
  };
}

/** Assigns row i (1-based): grows a shortest augmenting path from it, updating the potentials, then flips the path. */
function addRow(s: State, i: number, at: (i: number, j: number) => number): void {
  const { m, u, v, p, way } = s;
  p[0] = i;
  let j0 = 0;
  const minv = new Float64Array(m + 1).fill(Number.POSITIVE_INFINITY);
  const used = new Uint8Array(m + 1);
  do {
    used[j0] = 1;
    const i0 = p[j0]!;
    let delta = Number.POSITIVE_INFINITY;
    let j1 = 0;
    for (let j = 1; j <= m; j++) {
      if (used[j]) continue;
      const cur = at(i0 - 1, j - 1) - u[i0]! - v[j]!;
      if (cur < minv[j]!) {
        minv[j] = cur;
        way[j] = j0;
      }
      if (minv[j]! < delta) {
        delta = minv[j]!;
        j1 = j;
      }
    }
    for (let j = 0; j <= m; j++) {
      if (used[j]) {
        u[p[j]!] = u[p[j]!]! + delta;
        v[j] = v[j]! - delta;
      } else minv[j] = minv[j]! - delta;
    }
    j0 = j1;
  } while (p[j0] !== 0);
  do {
    const j1 = way[j0]!;
    p[j0] = p[j1]!;
    j0 = j1;
  } while (j0);
}

export function assign(cost: readonly (readonly number[])[]): [number, number][] {
  const rows = cost.length;
  const cols = rows ? cost[0]!.length : 0;
  if (rows === 0 || cols === 0) return [];
  const transposed = rows > cols;
  const n = transposed ? cols : rows;
  const m = transposed ? rows : cols;
  const at = finiteCosts(cost, transposed, n);
  const s: State = { n, m, u: new Float64Array(n + 1), v: new Float64Array(m + 1), p: new Int32Array(m + 1), way: new Int32Array(m + 1) };
  for (let i = 1; i <= n; i++) addRow(s, i, at);
  const out: [number, number][] = [];
  for (let j = 1; j <= m; j++) {
    if (s.p[j] === 0) continue;
    const r = s.p[j]! - 1;
    const c = j - 1;
    const pair: [number, number] = transposed ? [c, r] : [r, c];
    if (Number.isFinite(cost[pair[0]]![pair[1]]!)) out.push(pair);
  }
  return out.sort((a, b) => a[0] - b[0]);
}
