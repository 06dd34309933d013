import type { StateCreator } from 'zustand';
import type { GraftState, UiSlice } from './types';

export const uiSlice: StateCreator<GraftState, [], [], UiSlice> = (set) => ({
  filter: '',
  collapsed: {},
  dragging: false,
  setFilter: (filter) => set({ filter }),
  toggleGroup: (key) => set((s) => ({ collapsed: { ...s.collapsed, [key]: !s.collapsed[key] } })),
  setDragging: (dragging) => set({ dragging }),
});
