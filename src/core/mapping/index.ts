/** The mapping core: recipe, auto-matching, transforms and the plan. Pure: no DOM, no I/O. */
export { compile, canLink, type Plan, type PlanEntry, type PlanStatus, type PlanSummary, type OldSide, type NewSide } from './plan';
export { autoMatch, type MatchOptions, type MatchResult } from './match';
export { type DetectedRule, type Overlap } from './match';
export { triage, ruleArg, type Finding, type FindingKind, type TriageInput } from './match/triage';
export { strictReport, type ReportInput } from './match/report';
export { linkGroups } from './group-link';
export { proposeTransforms, type Proposal } from './propose';
export {
  applyStep, chainShapes, describeTransform, lossyCastNote,
  type Transform, type TransformOp, type Operand, type StepOutput, type ChainResult, type PadFill, type ResizeMethod,
} from './transforms';
export {
  emptyRecipe, migrateRecipe, RECIPE_VERSION, CONFIDENCES,
  type Recipe, type Link, type RenameRule, type FillPolicy, type Confidence, type RecipeFilters,
} from './recipe';
// parseRecipe, parseRecipeText and the schemas: './recipe-schema' (zod), imported where a recipe is read.
export { applyRules, compileRules, parseRuleArg, ruleCounts, describeRule } from './match/rules';
export { loadRegexEngine, loadRegexEngineFor, regexEngineLoaded, regexProblem, RULE_TIME_BUDGET_MS } from './safe-regex';
export { keepFunction, withKeepFunction, identityVariance, type KeepFunctionOptions, type KeepFunctionResult, type WidenedLayer } from './grow/keep-function';
export { replicationCounts, type GrowTransform } from './grow-steps';
