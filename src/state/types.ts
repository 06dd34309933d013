import type { GraftErrorData } from '../core/errors';
import type { KernelView } from '../core/analysis/stats';
import type {
  CandidateData, Choice, FileRef, InspectResult, Occupancy, RoutePlan, SlotData, SlotId, SlotSource, ViewOptions,
} from '../worker/client';

export type Origin = 'example' | 'files';

export const SLOTS: readonly SlotId[] = ['old', 'new'];

/** One side: the old checkpoint or the new model. */
export interface SlotState {
  /** 'opening' while the worker opens new files for this slot; what was loaded before stays shown. */
  status: 'idle' | 'opening' | 'ready';
  /** The slot's files, kept to reopen them with another candidate. */
  files: FileRef[];
  origin: Origin | null;
  /** How the files were opened (as a checkpoint, or as a model JSON). */
  source: SlotSource | null;
  candidates: CandidateData[];
  candidateId: string;
  data: SlotData | null;
  /** The last failure in this slot; it never clears the other slot. */
  error: GraftErrorData | null;
}

/** A drop Graft cannot place alone: the route dialog asks the person. */
export interface RouteQuestion {
  files: FileRef[];
  origin: Origin;
  subject: string;
  reason: string;
  options: Record<Choice, RoutePlan>;
}

export interface SlotsSlice {
  slots: Record<SlotId, SlotState>;
  /** True while the worker decides where a drop goes. */
  routing: boolean;
  question: RouteQuestion | null;
  /** Files that fit in no slot: the sentence that says what they are. */
  dropError: GraftErrorData | null;
  /** Routes files by what they are; `into` (a drop onto a slot, its Replace… picker) puts them in that slot. */
  drop(files: FileRef[], opts?: { into?: SlotId; origin?: Origin }): Promise<void>;
  answer(choice: Choice): Promise<void>;
  dismissQuestion(): void;
  openSlot(slot: SlotId, files: FileRef[], source: SlotSource, opts?: { origin?: Origin; select?: boolean }): Promise<boolean>;
  chooseCandidate(slot: SlotId, id: string): Promise<void>;
  swap(): Promise<void>;
  /** Opens the built-in example; `quiet` (first visit) shows nothing when the build has none. */
  loadExample(opts?: { quiet?: boolean }): Promise<void>;
  dismissError(slot: SlotId | 'drop'): void;
}

export interface Selection {
  slot: SlotId;
  name: string;
}

export interface Inspection {
  status: 'idle' | 'loading' | 'ready' | 'error';
  selection: Selection | null;
  result: InspectResult | null;
  error: GraftErrorData | null;
}

export interface InspectSlice {
  selected: Selection | null;
  view: ViewOptions;
  inspection: Inspection;
  /** Seed of the new model's initializers (the recipe will own it): the same seed shows the same values. */
  seed: number;
  select(selection: Selection | null): void;
  setKernelView(kernel: KernelView): void;
}

export interface ListUi {
  filter: string;
  /** Keys `<kind>/<group>` of the collapsed groups. */
  collapsed: Record<string, boolean>;
}

export interface UiSlice {
  lists: Record<SlotId, ListUi>;
  /** Files are being dragged over the page, over one slot's card or list, or not at all. */
  dragging: SlotId | 'page' | null;
  setFilter(slot: SlotId, filter: string): void;
  toggleGroup(slot: SlotId, key: string): void;
  setDragging(dragging: SlotId | 'page' | null): void;
}

export type GraftState = SlotsSlice & InspectSlice & UiSlice;

export function occupancy(slot: SlotState): Occupancy {
  if (!slot.data) return 'empty';
  return slot.origin === 'example' ? 'example' : 'files';
}
