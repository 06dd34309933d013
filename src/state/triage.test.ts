import { describe, expect, it } from 'vitest';
import { autoMatch } from '../core/mapping';
import { SCENARIOS } from '../core/mapping/match/suite';
import type { GraftClient, SlotId, SlotOpened, VariableData } from '../worker/client';
import { memoryStorage } from './persist';
import { selectPlan } from './plan';
import { createGraftStore } from './store';
import { hasRule, reportMarkdown, selectFindings } from './triage';

const scenario = SCENARIOS.find((s) => s.name === 'torch-dataparallel-module-prefix')!;

function client(): GraftClient {
  const variables = (slot: SlotId): VariableData[] => (slot === 'old' ? scenario.old : scenario.target.variables.map((v) => ({ ...v, initializer: v.initializer })));
  return {
    route: async () => ({ kind: 'route' as const, plan: { old: { as: 'checkpoint' as const, files: ['a'] }, new: { as: 'checkpoint' as const, files: ['b'] } } }),
    open: async (slot: SlotId): Promise<SlotOpened> => ({
      candidates: [], candidateId: slot,
      data: { role: slot, kind: slot === 'old' ? 'checkpoint' : 'template', format: 'x', formatName: 'x', label: slot === 'old' ? 'old.pt' : 'new.pt', files: [slot], variables: variables(slot), warnings: [] },
    }),
    swap: async () => ({ old: null, new: null }),
    forget: async () => undefined,
    inspect: async () => ({ kind: 'opaque' as const, name: '', reason: '' }),
    match: async (recipe) => {
      const r = autoMatch({ tensors: scenario.old }, scenario.target, recipe);
      return { recipe: r.recipe, facts: { detected: r.detected, overlap: r.overlap } };
    },
    preview: async () => ({ id: 0, before: [], after: null }),
    keepFunction: async () => {
      throw new Error('no keep-the-function in this test');
    },
    runExport: async () => {
      throw new Error('no export in this test');
    },
    cancelExport: async () => undefined,
    checkExport: async () => {
      throw new Error('these tests do not check exports');
    },
  };
}

const files = [{ path: 'a', file: new File([new Uint8Array([1, 2])], 'a') }, { path: 'b', file: new File([new Uint8Array([3])], 'b') }];

describe('triage in the page', () => {
  it('a wrapper prefix: the finding carries its rule; adding it (as "Add rule" does) re-matches and makes the links sure', async () => {
    const store = createGraftStore(client(), memoryStorage());
    await store.getState().drop(files);
    await new Promise<void>((resolve) => {
      const off = store.subscribe((s) => s.recipeStatus === 'ready' && (off(), resolve()));
      if (store.getState().recipeStatus === 'ready') (off(), resolve());
    });
    const findings = selectFindings(store.getState())!;
    expect(selectFindings(store.getState())).toBe(findings);
    const renamed = findings.find((f) => f.kind === 'renamed-scope')!;
    expect(renamed.rule).toEqual({ kind: 'prefix', from: 'module.', to: '' });
    expect(hasRule(store.getState().recipe!.rules, renamed.rule!)).toBe(false);
    const before = store.getState().recipe!.links.filter((l) => l.accepted !== false);
    expect(before.some((l) => l.confidence !== 'sure')).toBe(true);

    await store.getState().setRules([...store.getState().recipe!.rules, renamed.rule!]);
    const s = store.getState();
    expect(hasRule(s.recipe!.rules, renamed.rule!)).toBe(true);
    const links = s.recipe!.links.filter((l) => l.accepted !== false);
    expect(links).toHaveLength(Object.keys(scenario.truth).length);
    expect(links.every((l) => l.confidence === 'sure')).toBe(true);
    expect(selectFindings(s)!.some((f) => f.kind === 'renamed-scope')).toBe(false);
  });

  it('the Markdown report is graft match --report\'s for the page plan: findings, missing, unexpected', async () => {
    const store = createGraftStore(client(), memoryStorage());
    expect(reportMarkdown(store.getState())).toBeNull();
    await store.getState().drop(files);
    await new Promise<void>((resolve) => {
      const off = store.subscribe((s) => s.recipeStatus === 'ready' && (off(), resolve()));
      if (store.getState().recipeStatus === 'ready') (off(), resolve());
    });
    const md = reportMarkdown(store.getState())!;
    const s = selectPlan(store.getState())!.summary;
    expect(md.split('\n')[0]).toBe('# Graft match: old.pt → new.pt');
    expect(md).toContain(`${s.total} new variables: ${s.exact} exact`);
    expect(md).toContain('the old names lose their `module.` prefix');
    expect(md).toMatch(/## Missing \(\d+\)/);
    expect(md).toMatch(/## Unexpected \(\d+\)/);
  });
});
