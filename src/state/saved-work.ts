/**
 * The person's last work, remembered beside its recipe: which files it belongs to (names, sizes, fingerprint), so a
 * reload can say what to drop to get it back. Only work on the person's own files is remembered, never the example's.
 */
import type { Recipe } from '../core/mapping';
import type { RecipeStorage } from './persist';
import type { SlotState } from './types';

export interface SavedFile {
  path: string;
  size: number;
}

export interface SavedSide {
  /** What the slot card showed, e.g. `model.ckpt`. */
  label: string;
  formatName: string;
  files: SavedFile[];
}

export interface SavedWork {
  /** The recipe's storage key (both slots' fingerprints): dropping the same files again gives the same key. */
  key: string;
  savedAt: number;
  links: number;
  /** Links the person made or accepted by hand. */
  byHand: number;
  old: SavedSide;
  new: SavedSide;
}

/** Its key in the recipe storage: the recipes' keys are fingerprints, which never look like this. */
export const SAVED_WORK_KEY = 'last-work';

const side = (slot: SlotState): SavedSide | null =>
  slot.data && slot.origin === 'files'
    ? { label: slot.data.label, formatName: slot.data.formatName, files: slot.files.map((f) => ({ path: f.path, size: f.file.size })) }
    : null;

/** The record for a recipe just saved, or null when a slot holds the example or nothing. */
export function savedWorkOf(slots: { old: SlotState; new: SlotState }, key: string, recipe: Recipe, now = Date.now()): SavedWork | null {
  const old = side(slots.old);
  const neu = side(slots.new);
  if (!old || !neu) return null;
  const byHand = recipe.links.filter((l) => l.confidence === undefined || l.accepted === true).length;
  return { key, savedAt: now, links: recipe.links.filter((l) => l.from.length > 0).length, byHand, old, new: neu };
}

const isSide = (x: unknown): x is SavedSide => {
  const s = x as SavedSide | null;
  return (
    typeof s === 'object' && s !== null && typeof s.label === 'string' && typeof s.formatName === 'string' && Array.isArray(s.files) &&
    s.files.every((f) => typeof f?.path === 'string' && typeof f?.size === 'number')
  );
};

/** A stored record this version can read, else null (never throws). */
export function parseSavedWork(x: unknown): SavedWork | null {
  const w = x as SavedWork | null;
  if (typeof w !== 'object' || w === null) return null;
  if (typeof w.key !== 'string' || typeof w.savedAt !== 'number' || typeof w.links !== 'number' || typeof w.byHand !== 'number') return null;
  return isSide(w.old) && isSide(w.new) ? w : null;
}

export async function loadSavedWork(storage: RecipeStorage): Promise<SavedWork | null> {
  try {
    return parseSavedWork(await storage.load(SAVED_WORK_KEY));
  } catch {
    return null;
  }
}
