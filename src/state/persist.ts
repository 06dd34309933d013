/** Where recipes are kept between visits: IndexedDB in the browser (idb-keyval), a Map in tests. */
import { get, set } from 'idb-keyval';

export interface RecipeStorage {
  load(key: string): Promise<unknown>;
  save(key: string, value: unknown): Promise<void>;
}

const PREFIX = 'graft-recipe:';

export const idbStorage: RecipeStorage = {
  load: (key) => get(PREFIX + key),
  save: (key, value) => set(PREFIX + key, value),
};

/** Opens the database ahead of the first load (IndexedDB's first open costs tens of ms), when the page is idle. */
export function warmStorage(): void {
  void get(`${PREFIX}warm`).catch(() => undefined);
}

export function memoryStorage(): RecipeStorage & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    load: async (key) => structuredClone(data.get(key)),
    save: async (key, value) => void data.set(key, structuredClone(value)),
  };
}
