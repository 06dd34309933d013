import { describe, expect, it } from 'vitest';
import { fixtureFiles } from '../core/formats/fixture-rows.test-util';
import { emptyRecipe } from '../core/mapping';
import { matchAhead, matchSlots, matchSlotsAhead } from './mapping';
import { openSlotSource, routeFiles } from './slots';

describe('match ahead', () => {
  it('answers the first match of two open slots from the match started when they opened, and nothing else', async () => {
    const files = fixtureFiles('keras3-weights-h5-diabetes');
    const routed = await routeFiles(files, { old: 'empty', new: 'empty' });
    if (routed.kind !== 'route') throw new Error(routed.kind);
    const old = await openSlotSource('old', files, routed.plan.old!);
    const neu = await openSlotSource('new', files, routed.plan.new!);
    const fresh = matchSlots(old, neu, emptyRecipe());
    matchAhead(old, neu);
    const ahead = matchSlotsAhead(old, neu, emptyRecipe());
    expect(ahead).toBeInstanceOf(Promise);
    expect(await ahead).toEqual(fresh);
    // Another recipe, or other slots, are matched afresh.
    expect(matchSlotsAhead(old, neu, emptyRecipe({ fill: 'zeros' }))).not.toBeInstanceOf(Promise);
    const other = await openSlotSource('new', files, routed.plan.new!);
    expect(matchSlotsAhead(old, other, emptyRecipe())).not.toBeInstanceOf(Promise);
    // A slot emptied: nothing is started.
    matchAhead(old, null);
    expect(matchSlotsAhead(old, neu, emptyRecipe())).not.toBeInstanceOf(Promise);
    old.checkpoint?.close?.();
  });
});
