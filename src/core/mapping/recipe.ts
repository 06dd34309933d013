/**
 * The recipe: the person's intent as a plain, versioned JSON document. Links and rules name variables by
 * their keys as stored, so a recipe made on one checkpoint applies to any other of the same layout.
 */
import { z } from 'zod';
import './zod-config';
import { GraftError } from '../errors';
import { regexProblem } from './safe-regex';
import { transformSchema, type Transform } from './transforms';

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

const linkSchema = z.object({
  from: z.array(z.string()),
  to: z.string().min(1),
  transforms: z.array(transformSchema).default([]),
  confidence: z.enum(['sure', 'likely', 'guess']).optional(),
  reason: z.string().optional(),
  accepted: z.boolean().optional(),
});

const ruleSchema = z
  .object({ kind: z.enum(['prefix', 'regex']), from: z.string().min(1), to: z.string() })
  .superRefine((rule, ctx) => {
    if (rule.kind !== 'regex') return;
    const problem = regexProblem(rule.from);
    if (problem) ctx.addIssue({ code: 'custom', path: ['from'], message: problem });
  });

export const recipeSchema = z.object({
  version: z.literal(RECIPE_VERSION),
  links: z.array(linkSchema).default([]),
  rules: z.array(ruleSchema).default([]),
  fill: z.enum(['initializer', 'zeros', 'template']).default('initializer'),
  filters: z.object({ includeOptimizer: z.boolean().default(false) }).default({ includeOptimizer: false }),
  seed: z.number().int().default(0),
});

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

function issuePath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(document)';
}

/** A recipe from parsed JSON: migrated to the current version, then validated; errors name the field. */
export function parseRecipe(value: unknown, file = ''): Recipe {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GraftError('corrupt', file, 'a recipe is a JSON object with version, links, rules, fill, filters and seed');
  }
  const migrated = migrateRecipe(value as Record<string, unknown>, file);
  const result = recipeSchema.safeParse(migrated);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new GraftError('corrupt', file, `recipe ${issuePath(issue.path)}: ${issue.message}`);
  }
  return result.data as Recipe;
}

export function parseRecipeText(text: string, file = ''): Recipe {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new GraftError('corrupt', file, `the recipe is not JSON (${(e as Error).message})`, { cause: e });
  }
  return parseRecipe(value, file);
}
