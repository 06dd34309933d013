/** A diverging blue–white–red scale centred at 0 (RdBu-like), symmetric around the largest magnitude. */
const STOPS: [number, [number, number, number]][] = [
  [-1, [5, 48, 97]],
  [-0.5, [67, 147, 195]],
  [0, [247, 247, 247]],
  [0.5, [214, 96, 77]],
  [1, [103, 0, 31]],
];

export function diverging(t: number): [number, number, number] {
  const x = Math.max(-1, Math.min(1, t));
  for (let i = 1; i < STOPS.length; i++) {
    const [x1, c1] = STOPS[i]!;
    const [x0, c0] = STOPS[i - 1]!;
    if (x <= x1) {
      const f = (x - x0) / (x1 - x0);
      return [0, 1, 2].map((k) => Math.round(c0[k]! + (c1[k]! - c0[k]!) * f)) as [number, number, number];
    }
  }
  return STOPS[STOPS.length - 1]![1];
}

export const NAN_COLOR: [number, number, number] = [255, 0, 200];

export function cssGradient(): string {
  return `linear-gradient(to right, ${STOPS.map(([x, c]) => `rgb(${c.join(',')}) ${((x + 1) / 2) * 100}%`).join(', ')})`;
}
