/**
 * The recipe: the person's intent as a plain, versioned JSON document. Links and rules name variables by
 * their keys as stored, so a recipe made on one checkpoint applies to any other of the same layout.
 */
import { GraftError } from '../errors';
import type { Transform } from './transforms';

export const RECIPE_VERSION = 1;

export type Confidence = 'sure' | 'likely' | 'guess';
export const CONFIDENCES: readonly Confidence[] = ['sure', 'likely', 'guess'];

export interface Link {
  /** Old variable names; empty: the person wants this new variable filled by policy, never auto-linked. */
  from: string[];
  to: string;
  transforms: Transform[];
  /** Set on links the matcher proposed; absent on links a person made. */
  confidence?: Confidence;
  reason?: string;
  /** false: a proposal waiting for the person; it is drawn but not applied. Absent or true: applied. */
  accepted?: boolean;
}

export type RenameRule = { kind: 'prefix'; from: string; to: string } | { kind: 'regex'; from: string; to: string };

export type FillPolicy = 'initializer' | 'zeros' | 'template';

export interface RecipeFilters {
  /** Match optimizer slots and bookkeeping too (by name, and slots following their variables). */
  includeOptimizer: boolean;
}

export interface Recipe {
  version: typeof RECIPE_VERSION;
  links: Link[];
  rules: RenameRule[];
  fill: FillPolicy;
  filters: RecipeFilters;
  /** Seeds the initializers of unlinked variables: same recipe, same bytes. */
  seed: number;
}

export function emptyRecipe(overrides: Partial<Omit<Recipe, 'version'>> = {}): Recipe {
  return { version: RECIPE_VERSION, links: [], rules: [], fill: 'initializer', filters: { includeOptimizer: false }, seed: 0, ...overrides };
}

/**
 * Version 0 was the hand-written draft before the schema: no `version`, `from` may be one string, links may
 * lack `transforms`, and `rules` may be an `init_from_checkpoint` assignment map `{"old_scope/": "new_scope/"}`.
 */
function migrate0to1(doc: Record<string, unknown>): Record<string, unknown> {
  const links = Array.isArray(doc.links)
    ? doc.links.map((l: unknown) => {
        if (typeof l !== 'object' || l === null) return l;
        const link = l as Record<string, unknown>;
        return { ...link, from: typeof link.from === 'string' ? [link.from] : link.from, transforms: link.transforms ?? [] };
      })
    : doc.links;
  let rules = doc.rules;
  if (rules && typeof rules === 'object' && !Array.isArray(rules)) {
    rules = Object.entries(rules as Record<string, unknown>).map(([from, to]) => ({ kind: 'prefix', from, to }));
  }
  return { ...doc, version: 1, links, rules };
}

/** Steps from version N to N+1, applied in turn up to RECIPE_VERSION. */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = { 0: migrate0to1 };

export function migrateRecipe(doc: Record<string, unknown>, file = ''): Record<string, unknown> {
  const raw = doc.version ?? 0;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0) {
    throw new GraftError('corrupt', file, `recipe version: expected a whole number, found ${JSON.stringify(raw)}`);
  }
  if (raw > RECIPE_VERSION) {
    throw new GraftError('unsupported', file, `recipe version ${raw} is newer than this Graft understands (${RECIPE_VERSION}); update Graft`);
  }
  let out = doc;
  for (let v = raw; v < RECIPE_VERSION; v++) out = MIGRATIONS[v]!(out);
  return out;
}

