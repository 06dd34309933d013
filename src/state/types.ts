import type { GraftErrorData } from '../core/errors';
import type { KernelView } from '../core/analysis/stats';
import type { CandidateData, CheckpointData, FileRef, InspectResult, ViewOptions } from '../worker/client';

export type Origin = 'example' | 'files';

export interface CheckpointSlice {
  /** 'opening' while the worker lists a new set of files; what was loaded before stays shown. */
  status: 'idle' | 'opening' | 'ready';
  /** The files of the shown checkpoint, kept to reopen them with another candidate. */
  files: FileRef[];
  origin: Origin | null;
  candidates: CandidateData[];
  candidateId: string;
  checkpoint: CheckpointData | null;
  error: GraftErrorData | null;
  openFiles(files: FileRef[], opts?: { candidateId?: string; origin?: Origin }): Promise<void>;
  chooseCandidate(id: string): Promise<void>;
  /** Opens the built-in example; `quiet` (first visit) shows nothing when the build has none. */
  loadExample(opts?: { quiet?: boolean }): Promise<void>;
  dismissError(): void;
}

export interface Inspection {
  status: 'idle' | 'loading' | 'ready' | 'error';
  name: string | null;
  result: InspectResult | null;
  error: GraftErrorData | null;
}

export interface InspectSlice {
  selected: string | null;
  view: ViewOptions;
  inspection: Inspection;
  select(name: string | null): void;
  setKernelView(kernel: KernelView): void;
}

export interface UiSlice {
  filter: string;
  /** Keys `<kind>/<group>` of the collapsed groups. */
  collapsed: Record<string, boolean>;
  dragging: boolean;
  setFilter(filter: string): void;
  toggleGroup(key: string): void;
  setDragging(dragging: boolean): void;
}

export type GraftState = CheckpointSlice & InspectSlice & UiSlice;
