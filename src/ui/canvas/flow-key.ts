/**
 * Which listing each side of the canvas draws, and when React Flow starts over: a new one per pair of listings (not
 * per recipe: the tree is drawn before matching ends, and stays put), but the same one while a side joins the side
 * drawn first (a pair dropped together): remounting it would draw the first side's nodes again and reset a viewport
 * the person may have moved.
 */
import type { VariableData } from '../../worker/client';

export const NO_VARIABLES: VariableData[] = [];

/** A side still opening is drawn empty (what it held before is on its way out), else its listing. */
export const drawnSide = (slot: { status: string; data: { variables: VariableData[] } | null }): VariableData[] =>
  slot.status === 'opening' ? NO_VARIABLES : (slot.data?.variables ?? NO_VARIABLES);

export interface Drawn {
  olds: readonly VariableData[];
  news: readonly VariableData[];
  key: number;
  /** How many times a side joined the one drawn under this key. */
  joins: number;
}

let pairs = 0;

/** React Flow's key for drawing `olds` and `news`, after what `ref` last drew (kept in it). */
export function flowKeyOf(ref: { current: Drawn | null }, olds: readonly VariableData[], news: readonly VariableData[]): number {
  const prev = ref.current;
  if (prev && prev.olds === olds && prev.news === news) return prev.key;
  const joined = prev !== null && ((prev.olds === olds && prev.news === NO_VARIABLES) || (prev.news === news && prev.olds === NO_VARIABLES));
  ref.current = joined ? { olds, news, key: prev.key, joins: prev.joins + 1 } : { olds, news, key: ++pairs, joins: 0 };
  return ref.current.key;
}
