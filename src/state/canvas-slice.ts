import type { StateCreator } from 'zustand';
import { linkGroups } from '../core/mapping';
import type { TargetVariable } from '../core/model/target-model';
import type { CanvasSlice, GraftState } from './types';

export const canvasSlice: StateCreator<GraftState, [], [], CanvasSlice> = (set, get) => ({
  mode: 'canvas',
  search: '',
  statusFilter: null,
  problemsOnly: false,
  showState: false,
  flipped: {},
  groupDrop: null,
  setMode: (mode) => set({ mode }),
  setSearch: (search) => set({ search }),
  setStatusFilter: (statusFilter) => set((s) => ({ statusFilter: s.statusFilter === statusFilter ? null : statusFilter })),
  setProblemsOnly: (problemsOnly) => set({ problemsOnly }),
  setShowState: (showState) => set({ showState }),
  toggleNodeGroup: (id) => set((s) => ({ flipped: { ...s.flipped, [id]: !s.flipped[id] } })),
  proposeGroupDrop(oldGroup, newGroup) {
    const olds = (get().slots.old.data?.variables ?? []).filter((v) => v.group === oldGroup);
    const news = (get().slots.new.data?.variables ?? []).filter((v) => v.group === newGroup) as TargetVariable[];
    set({ groupDrop: { oldGroup, newGroup, links: linkGroups(olds, news, oldGroup, newGroup) } });
  },
  commitGroupDrop() {
    const drop = get().groupDrop;
    set({ groupDrop: null });
    if (drop && drop.links.length > 0) get().addLinks(drop.links);
  },
  cancelGroupDrop: () => set({ groupDrop: null }),
});
