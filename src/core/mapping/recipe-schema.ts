/**
 * A recipe read from JSON (a file, the saved one): migrated, then validated with zod; errors name the field.
 * Kept apart from recipe.ts so that zod (~85 kB, and its schemas built as it loads) is part of neither the page's
 * first view nor the worker's: the page loads this module when it parses a recipe.
 */
import { z } from 'zod';
import { GraftError } from '../errors';
import { ELEMENT_SIZE, type DType } from '../model/dtypes';
import { migrateRecipe, RECIPE_VERSION, type Recipe } from './recipe';
import { regexProblem } from './safe-regex';
import type { Transform } from './transforms';

// Zod probes `new Function` on its first object parse to decide whether to compile parsers; under the page's
// Content-Security-Policy (no 'unsafe-eval') the probe is refused and reported as a violation. Recipes are small:
// the interpreted parsers are fast enough.
z.config({ jitless: true });

const dim = z.number().int().nonnegative();
const axis = z.number().int().nonnegative();
const DTYPES = Object.keys(ELEMENT_SIZE) as [DType, ...DType[]];

/** The steps of layout-steps.ts. */
export const layoutSchemas = [
  z.object({ op: z.literal('reorder'), axis, order: z.array(axis).min(1) }),
  z.object({ op: z.literal('sum') }),
] as const;

/** The steps of grow-steps.ts. */
export const growSchemas = [
  z.object({ op: z.literal('net2wider'), axis: dim, mapping: z.array(dim), noise: z.number().nonnegative().optional() }),
  z.object({ op: z.literal('divide-replicated'), axis: dim, mapping: z.array(dim) }),
  z.object({ op: z.literal('identity'), shape: z.array(dim), dtype: z.enum(DTYPES) }),
  z.object({ op: z.literal('constant'), shape: z.array(dim), dtype: z.enum(DTYPES), value: z.number().finite() }),
] as const;

/** Every step of transforms.ts. */
export const transformSchema: z.ZodType<Transform> = z.discriminatedUnion('op', [
  z.object({ op: z.literal('reshape'), shape: z.array(dim) }),
  z.object({ op: z.literal('transpose'), perm: z.array(axis) }),
  z.object({ op: z.literal('squeeze'), axis }),
  z.object({ op: z.literal('expand'), axis }),
  z.object({ op: z.literal('pad'), axis, before: dim, after: dim, fill: z.enum(['zeros', 'initializer', 'mean', 'copy']) }),
  z.object({ op: z.literal('slice'), axis, start: dim, size: dim }),
  z.object({ op: z.literal('resize'), method: z.enum(['bilinear', 'bicubic']), shape: z.array(dim) }),
  z.object({ op: z.literal('cast'), dtype: z.enum(DTYPES) }),
  z.object({ op: z.literal('concat'), axis }),
  z.object({ op: z.literal('stack'), axis }),
  ...layoutSchemas,
  z.object({ op: z.literal('split'), axis, sizes: z.array(dim).min(1), index: z.number().int().nonnegative() }),
  ...growSchemas,
]);

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
