/**
 * Every change the page makes to a recipe, as pure functions recipe → recipe. The store applies one per undo
 * step; none of them decides mapping logic (proposals come from core/mapping).
 */
import { proposeTransforms, type Confidence, type FillPolicy, type Link, type Recipe, type RenameRule, type Transform } from '../core/mapping';
import type { TensorInfo } from '../core/model/checkpoint';

type Shaped = Pick<TensorInfo, 'name' | 'shape' | 'dtype'>;

const indexOf = (recipe: Recipe, to: string) => recipe.links.findIndex((l) => l.to === to);

function put(recipe: Recipe, link: Link): Recipe {
  const i = indexOf(recipe, link.to);
  const links = i < 0 ? [...recipe.links, link] : recipe.links.map((l, k) => (k === i ? link : l));
  return { ...recipe, links };
}

/** The chain core proposes for these sources onto the target, or none (compile then says why it does not fit). */
function proposed(sources: readonly Shaped[], to: Shaped): Transform[] {
  if (sources.length !== 1) return [];
  const s = sources[0]!;
  if (s.dtype === to.dtype && s.shape.length === to.shape.length && s.shape.every((d, i) => d === to.shape[i])) return [];
  return proposeTransforms(sources, { shape: to.shape, dtype: to.dtype, name: to.name })?.transforms ?? [];
}

/**
 * A link made by hand: `from` onto `to`, replacing whatever went there (relink). With `add`, `from` joins the
 * current sources instead (several sources into one target); the transforms are then left for the person.
 */
export function linkByHand(recipe: Recipe, from: Shaped, to: Shaped, opts: { add?: boolean; olds?: ReadonlyMap<string, Shaped> } = {}): Recipe {
  const current = recipe.links[indexOf(recipe, to.name)];
  if (opts.add && current && current.accepted !== false && current.from.length > 0 && !current.from.includes(from.name)) {
    return put(recipe, { from: [...current.from, from.name], to: to.name, transforms: current.transforms, reason: 'linked by hand' });
  }
  return put(recipe, { from: [from.name], to: to.name, transforms: proposed([from], to), reason: 'linked by hand' });
}

/** Removes the link into `to`: the variable is filled by policy and never auto-linked again. */
export function unlink(recipe: Recipe, to: string): Recipe {
  return put(recipe, { from: [], to, transforms: [] });
}

/** Drops one source of a link with several; the last one leaves the variable unlinked. */
export function removeSource(recipe: Recipe, to: string, from: string): Recipe {
  const link = recipe.links[indexOf(recipe, to)];
  if (!link) return recipe;
  const rest = link.from.filter((f) => f !== from);
  return rest.length === 0 ? unlink(recipe, to) : put(recipe, { ...link, from: rest });
}

/** Accepting a proposal makes it the person's: applied, and no longer the matcher's to replace. */
function accepted(link: Link): Link {
  const { confidence: _c, accepted: _a, ...rest } = link;
  return { ...rest, reason: link.reason ? `accepted: ${link.reason}` : 'accepted' };
}

export function accept(recipe: Recipe, to: string): Recipe {
  const link = recipe.links[indexOf(recipe, to)];
  return link && link.accepted === false ? put(recipe, accepted(link)) : recipe;
}

/** Accepts every waiting proposal at `confidence` (or any confidence). */
export function acceptAll(recipe: Recipe, confidence?: Confidence): Recipe {
  const links = recipe.links.map((l) => (l.accepted === false && l.from.length > 0 && (!confidence || l.confidence === confidence) ? accepted(l) : l));
  return { ...recipe, links };
}

/**
 * A chain edited by hand makes the link the person's, as accepting does: applied, no longer the matcher's
 * confidence and reason (which were about the chain it proposed), and kept when a rule change rematches.
 */
export function setTransforms(recipe: Recipe, to: string, transforms: Transform[]): Recipe {
  const link = recipe.links[indexOf(recipe, to)];
  if (!link) return recipe;
  const { confidence: _c, accepted: _a, ...rest } = link;
  return put(recipe, { ...rest, transforms, reason: 'transforms edited by hand' });
}

export function setFill(recipe: Recipe, fill: FillPolicy): Recipe {
  return recipe.fill === fill ? recipe : { ...recipe, fill };
}

/** Several links at once (a group dropped on a group), each replacing what went to its target. */
export function addLinks(recipe: Recipe, links: readonly Link[]): Recipe {
  return links.reduce((r, l) => put(r, { ...l, reason: l.reason ?? 'linked by group' }), recipe);
}

/** Links the matcher made and nobody accepted: rematching (after a rule change) replaces them. */
export function personsOnly(recipe: Recipe): Recipe {
  return { ...recipe, links: recipe.links.filter((l) => l.confidence === undefined) };
}

export function setRules(recipe: Recipe, rules: RenameRule[]): Recipe {
  return { ...recipe, rules };
}
