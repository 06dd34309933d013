/** Above the canvas: view tabs, search, filters, undo/redo, fill policy, rules, and the recipe as a file. */
import { useRef } from 'react';
import { useStore } from 'zustand';
import type { FillPolicy } from '../core/mapping';
import { recipeHistory, useGraft } from '../state/store';
import { ReportLink } from './ReportLink';
import { fillPolicyWords } from './fill-words';

function UndoRedo() {
  const past = useStore(recipeHistory, (t) => t.pastStates.length);
  const future = useStore(recipeHistory, (t) => t.futureStates.length);
  return (
    <span className="tool-group">
      <button type="button" className="button small" data-testid="undo" disabled={past === 0} title="Undo (Ctrl/⌘+Z)" onClick={() => recipeHistory.getState().undo()}>
        ↶ Undo
      </button>
      <button type="button" className="button small" data-testid="redo" disabled={future === 0} title="Redo (Shift+Ctrl/⌘+Z)" onClick={() => recipeHistory.getState().redo()}>
        ↷ Redo
      </button>
    </span>
  );
}

function RecipeFile() {
  const recipe = useGraft((s) => s.recipe);
  const importRecipe = useGraft((s) => s.importRecipe);
  const input = useRef<HTMLInputElement>(null);
  return (
    <span className="tool-group">
      <a
        className="button small"
        data-testid="export-recipe"
        download="graft-recipe.json"
        href="#"
        title="Save the recipe as a JSON file (the CLI applies it: graft apply --recipe)"
        onClick={(e) => {
          if (!recipe) return e.preventDefault();
          const url = URL.createObjectURL(new Blob([JSON.stringify(recipe, null, 2) + '\n'], { type: 'application/json' }));
          e.currentTarget.href = url;
          setTimeout(() => URL.revokeObjectURL(url), 10_000);
        }}
      >
        Export recipe
      </a>
      <ReportLink />
      <button type="button" className="button small" data-testid="import-recipe" onClick={() => input.current?.click()}>
        Import recipe…
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="import-recipe-input"
        onChange={async (e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) await importRecipe(await file.text(), file.name);
        }}
      />
    </span>
  );
}

export function Toolbar({ rulesOpen, toggleRules }: { rulesOpen: boolean; toggleRules: () => void }) {
  const mode = useGraft((s) => s.mode);
  const setMode = useGraft((s) => s.setMode);
  const search = useGraft((s) => s.search);
  const setSearch = useGraft((s) => s.setSearch);
  const problemsOnly = useGraft((s) => s.problemsOnly);
  const setProblemsOnly = useGraft((s) => s.setProblemsOnly);
  const showState = useGraft((s) => s.showState);
  const setShowState = useGraft((s) => s.setShowState);
  const includeOptimizer = useGraft((s) => s.recipe?.filters.includeOptimizer ?? false);
  const setIncludeOptimizer = useGraft((s) => s.setIncludeOptimizer);
  const fill = useGraft((s) => s.recipe?.fill ?? 'initializer');
  const neu = useGraft((s) => s.slots.new.data);
  const setFill = useGraft((s) => s.setFill);
  return (
    <div className="toolbar" role="toolbar">
      <span className="tabs" role="tablist">
        {(['canvas', 'lists'] as const).map((m) => (
          <button key={m} type="button" role="tab" aria-selected={mode === m} className={`tab${mode === m ? ' active' : ''}`} data-testid={`mode-${m}`} onClick={() => setMode(m)}>
            {m === 'canvas' ? 'Canvas' : 'Lists'}
          </button>
        ))}
      </span>
      <input
        className="search"
        type="search"
        placeholder="Search both sides  ( / )"
        value={search}
        data-testid="search"
        onChange={(e) => setSearch(e.currentTarget.value)}
      />
      <label className="check">
        <input type="checkbox" checked={problemsOnly} data-testid="toggle-problems" onChange={(e) => setProblemsOnly(e.currentTarget.checked)} />
        only problems
      </label>
      <label className="check" title="Optimizer slots (Adam m/v…) and bookkeeping (step counters)">
        <input type="checkbox" checked={showState} data-testid="toggle-state" onChange={(e) => setShowState(e.currentTarget.checked)} />
        optimizer & bookkeeping
      </label>
      <label className="check" title="Also link optimizer slots (Adam m/v…) and step counters, to continue training; off: they are left out and the new model's are filled like any unlinked variable">
        <input
          type="checkbox"
          checked={includeOptimizer}
          data-testid="include-optimizer"
          onChange={(e) => {
            const on = e.currentTarget.checked;
            if (on) setShowState(true);
            void setIncludeOptimizer(on);
          }}
        />
        carry optimizer state
      </label>
      <label className="check" title="What new variables with no link are written as">
        unlinked get:
        <select value={fill} data-testid="fill-policy" onChange={(e) => setFill(e.currentTarget.value as FillPolicy)}>
          {/* "template" writes what "initializer" does for a template, and falls back to it otherwise: offered only when chosen. */}
          {(['initializer', 'zeros', 'template'] as const).filter((p) => p !== 'template' || fill === 'template').map((p) => (
            <option key={p} value={p}>
              {fillPolicyWords(p, neu)}
            </option>
          ))}
        </select>
      </label>
      <span className="spacer" />
      <button type="button" className={`button small${rulesOpen ? ' active' : ''}`} data-testid="rules-toggle" aria-pressed={rulesOpen} onClick={toggleRules}>
        Rename rules
      </button>
      <UndoRedo />
      <RecipeFile />
    </div>
  );
}
