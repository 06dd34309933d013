import type { StateCreator } from 'zustand';
import type { GraftState, ListUi, UiSlice } from './types';

export const EMPTY_LIST: ListUi = { filter: '', collapsed: {} };

export const uiSlice: StateCreator<GraftState, [], [], UiSlice> = (set) => ({
  lists: { old: EMPTY_LIST, new: EMPTY_LIST },
  dragging: null,
  setFilter: (slot, filter) => set((s) => ({ lists: { ...s.lists, [slot]: { ...s.lists[slot], filter } } })),
  toggleGroup: (slot, key) =>
    set((s) => {
      const list = s.lists[slot];
      return { lists: { ...s.lists, [slot]: { ...list, collapsed: { ...list.collapsed, [key]: !list.collapsed[key] } } } };
    }),
  setDragging: (dragging) => set({ dragging }),
});
