import type { GraftErrorData } from '../core/errors';
import type { Confidence, FillPolicy, KeepFunctionOptions, KeepFunctionResult, Link, PlanEntry, PlanStatus, Recipe, RenameRule, Transform } from '../core/mapping';
import type { KernelView } from '../core/analysis/stats';
import type { ExportSlice } from './export-slice';
import type { SavedWork } from './saved-work';
import type {
  CandidateData, Choice, DropModel, FileRef, InspectResult, MatchFacts, Occupancy, PreviewResult, RoutePlan, SlotData, SlotId, SlotSource, ViewOptions,
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

/** A drop Graft cannot place alone: the route dialog asks the person (where one model goes, or where each goes). */
export type RouteQuestion = { files: FileRef[]; origin: Origin; reason: string } & (
  | { subject: string; options: Record<Choice, RoutePlan>; models?: undefined }
  | { subject?: undefined; options?: undefined; models: DropModel[] }
);

/** What Start over emptied, kept until the next drop so that it can be undone. */
export interface StartedOver {
  slots: Record<SlotId, SlotState>;
  recipeKey: string | null;
  recipe: Recipe | null;
  savedWork: SavedWork | null;
}

export interface SlotsSlice {
  slots: Record<SlotId, SlotState>;
  /** True while the worker decides where the person's drop goes. */
  routing: boolean;
  /** True from asking for the built-in example until it opened (or turned out missing). */
  loadingExample: boolean;
  question: RouteQuestion | null;
  /** Files that fit in no slot: the sentence that says what they are. */
  dropError: GraftErrorData | null;
  /** Routes files by what they are; `into` (a drop onto a slot, its Replace… picker) puts them in that slot. */
  drop(files: FileRef[], opts?: { into?: SlotId; origin?: Origin }): Promise<void>;
  answer(choice: Choice): Promise<void>;
  /** A drop of several models: where each goes, in the question's order ('none': not used). */
  answerModels(where: readonly (SlotId | 'none')[]): Promise<void>;
  dismissQuestion(): void;
  openSlot(slot: SlotId, files: FileRef[], source: SlotSource, opts?: { origin?: Origin; select?: boolean }): Promise<boolean>;
  chooseCandidate(slot: SlotId, id: string): Promise<void>;
  /** The new slot's `.keras` / full `.h5`: built from its model config (false) or its stored weights as a template (true). */
  chooseNewAsTemplate(template: boolean): Promise<void>;
  /** Old ↔ new: each side's files open again in the other slot (a checkpoint in new becomes the old one). */
  swap(): Promise<void>;
  /** Empties both slots and forgets the recipe saved for them; `undoStartOver` brings them back until the next drop. */
  startOver(): Promise<void>;
  startedOver: StartedOver | null;
  undoStartOver(): Promise<void>;
  /** The person's last saved work when it is not what is open: which files to drop to get it back. */
  savedWork: SavedWork | null;
  /** Reads the saved-work record (once, when the page opens). */
  loadSavedWork(): Promise<void>;
  forgetSavedWork(): Promise<void>;
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

/** Where the recipe comes from when both slots are filled. */
export type RecipeStatus = 'none' | 'matching' | 'ready' | 'error';

export interface RecipeSlice {
  /** The single source of truth for the mapping; null until both slots are filled. Undo/redo walk its history. */
  recipe: Recipe | null;
  /** Fingerprint of the old and new inputs the recipe belongs to (its IndexedDB key). */
  recipeKey: string | null;
  recipeStatus: RecipeStatus;
  /** The recipe came back from IndexedDB rather than from auto-matching. */
  restored: boolean;
  /** The recipe last written to storage: `recipe` itself once its latest edit is saved (a reload then restores it). */
  savedRecipe: Recipe | null;
  recipeError: GraftErrorData | null;
  /** What the latest auto-match found besides its links (detected rules, overlap), for the triage; null for a restored recipe. */
  matchFacts: MatchFacts | null;
  /** A recipe file that failed to import: the sentence that says why. */
  importError: GraftErrorData | null;
  /** Called when the slots change: restores the saved recipe for these inputs, or auto-matches in the worker. */
  syncRecipe(): Promise<void>;
  /** Any pure edit, as one undo step. */
  edit(change: (r: Recipe) => Recipe): void;
  link(from: string, to: string, opts?: { add?: boolean }): void;
  unlink(to: string): void;
  removeSource(to: string, from: string): void;
  accept(to: string): void;
  acceptAll(confidence?: Confidence): void;
  setTransforms(to: string, transforms: Transform[]): void;
  setFill(fill: FillPolicy): void;
  addLinks(links: Link[]): void;
  /** New rename rules: the matcher's own links are redone with them (the person's stay), as one undo step. */
  setRules(rules: RenameRule[]): Promise<void>;
  /** Carry optimizer slots and step counters over too (to continue training): re-matches, keeping the person's links. */
  setIncludeOptimizer(include: boolean): Promise<void>;
  /** Drops every edit and auto-matches again (undoable). */
  rematchAll(): Promise<void>;
  importRecipe(text: string, fileName: string): Promise<boolean>;
  dismissImportError(): void;
  /** What "keep the function" would change in the current recipe (nothing is edited): apply it with `edit(withKeepFunction)`. */
  proposeKeepFunction(options?: KeepFunctionOptions): Promise<KeepFunctionResult | null>;
}

export type StatusFilter = PlanStatus | 'unused' | 'pending';

export interface GroupDrop {
  oldGroup: string;
  newGroup: string;
  links: Link[];
}

export interface CanvasSlice {
  /** The canvas or the two lists (for huge models); the canvas once both slots are filled. */
  mode: 'canvas' | 'lists';
  search: string;
  statusFilter: StatusFilter | null;
  problemsOnly: boolean;
  /** Show optimizer slots and bookkeeping variables too. */
  showState: boolean;
  /** Group node ids whose collapsed state the person flipped from the default. */
  flipped: Record<string, boolean>;
  /** An old group dropped on a new group: the links core proposes, waiting for the person to commit. */
  groupDrop: GroupDrop | null;
  setMode(mode: 'canvas' | 'lists'): void;
  setSearch(search: string): void;
  setStatusFilter(filter: StatusFilter | null): void;
  setProblemsOnly(on: boolean): void;
  setShowState(on: boolean): void;
  toggleNodeGroup(id: string): void;
  proposeGroupDrop(oldGroup: string, newGroup: string): void;
  commitGroupDrop(): void;
  cancelGroupDrop(): void;
}

export interface PreviewState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** What was asked: the entry's link as JSON, so a changed chain asks again. */
  key: string;
  result: PreviewResult | null;
  error: GraftErrorData | null;
}

export interface PreviewSlice {
  preview: PreviewState;
  requestPreview(entry: PlanEntry | null): void;
}

export type GraftState = SlotsSlice & InspectSlice & UiSlice & RecipeSlice & CanvasSlice & PreviewSlice & ExportSlice;

export function occupancy(slot: SlotState): Occupancy {
  if (!slot.data) return 'empty';
  return slot.origin === 'example' ? 'example' : 'files';
}
