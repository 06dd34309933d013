/**
 * What crosses between the page and the worker. Everything here survives structured clone:
 * `File`s go by reference, results are plain data, and failures come back as GraftErrorData
 * (comlink would flatten a thrown GraftError into a bare Error and lose its code and file).
 */
import type { GraftErrorData } from '../core/errors';
import type { DetectedRule, KeepFunctionOptions, KeepFunctionResult, Overlap, PlanEntry, Recipe } from '../core/mapping';
import type { TensorInfo } from '../core/model/checkpoint';
import type { InitializerSpec } from '../core/model/target-model';
import type { ModelJsonKind } from '../core/model/target/detect';
import type { Heatmap, Histogram, KernelView, Summary } from '../core/analysis/stats';
import type { Choice, DropModel, Occupancy, RoutePlan, Routing, SlotId, SlotSource } from './route';
import type { WireSlotOpened, WireSwapped } from './slot-wire';

export type { Choice, DropModel, Occupancy, RoutePlan, SlotId, SlotSource };

/** A dropped or picked file with its folder-relative path (`webkitRelativePath` is empty for drops). */
export interface FileRef {
  path: string;
  file: File;
}

export interface CandidateData {
  format: string;
  id: string;
  label: string;
  isDefault: boolean;
  files: string[];
  /** A `checkpoint` state file names it as the latest save: only then does the page say "(latest)". */
  latest?: boolean;
}

/** A variable of either slot; the new slot's also say how they are initialised and which layer class owns them. */
export interface VariableData extends TensorInfo {
  /** Old slot: why its bytes cannot be read (`Checkpoint.unreadable`); a link from it is incompatible. */
  unreadable?: string;
  initializer?: InitializerSpec;
  layerClass?: string;
  kerasPath?: string;
}

/**
 * What a slot shows. `kind`: `checkpoint` in the old slot; in the new slot `template` (a checkpoint whose tensors
 * define the variables and whose values are the defaults) or the kind of model JSON it was built from.
 */
export interface SlotData {
  role: SlotId;
  kind: 'checkpoint' | 'template' | ModelJsonKind | 'tf-graph';
  /** The registry's format id (`tf-bundle`, `keras-h5`...) or the model JSON's kind. */
  format: string;
  /** The format for people: `Keras HDF5 weights`, `Keras model JSON`. */
  formatName: string;
  label: string;
  files: string[];
  variables: VariableData[];
  warnings: string[];
  /** New model: layers Graft could not build, one sentence each; the export refuses while there are any. */
  blocking?: string[];
  /** New model from a file with a model config and weights: built from the config, or its weights as a template. */
  modelConfig?: 'built' | 'template';
}

export interface SlotOpened {
  /** Checkpoints among the slot's files (several: the person picks one); empty for a model JSON. */
  candidates: CandidateData[];
  /** Which candidate was opened ('' for a model JSON). */
  candidateId: string;
  data: SlotData;
}

export interface Swapped {
  old: SlotOpened | null;
  new: SlotOpened | null;
}

/** The classifier's answer, with the sentence that says what the files are when they fit nowhere. */
export type RouteResult = Exclude<Routing, { kind: 'none' }> | { kind: 'none'; error: GraftErrorData };

export interface ViewOptions {
  kernel: KernelView;
}

export type InspectResult =
  | {
      kind: 'numbers';
      name: string;
      summary: Summary;
      histogram: Histogram;
      /** null for scalars and empty tensors. */
      heatmap: Heatmap | null;
    }
  | {
      kind: 'strings';
      name: string;
      count: number;
      /** The first few elements, decoded as UTF-8 and shortened. */
      strings: string[];
    }
  | {
      /** A dtype whose values Graft cannot show (resource, variant, packed 4-bit...). */
      kind: 'opaque';
      name: string;
      reason: string;
    };

/** One plan entry's preview: each source's values and the result's (null when the entry does not compile). */
export interface PreviewResult {
  id: number;
  before: InspectResult[];
  after: InspectResult | null;
}

/** What the matcher found besides its links, for the page's triage: the rules names suggest, how much the models share. */
export interface MatchFacts {
  detected: DetectedRule[];
  overlap: Overlap;
}

/** A match's answer: the recipe with the matcher's links, and its facts. */
export interface Matched {
  recipe: Recipe;
  facts: MatchFacts;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: GraftErrorData };

// Export (src/worker/export.ts): run and cancel.
import type { ExportMethods } from './export';
export type { ExportDone, ExportProgress, ExportRequest, SelfCheck } from './export';

/** The object the worker exposes through comlink. */
export interface WorkerApi extends ExportMethods {
  /** Where dropped files go: decided by `classifyDrop`, or for a drop onto one slot (`into`) by `sourceForSlot`. */
  route(files: FileRef[], occupancy: Record<SlotId, Occupancy>, into?: SlotId): Promise<Outcome<RouteResult>>;
  /** Opens `files` in `slot`; a failure leaves what the slot held before. */
  open(slot: SlotId, files: FileRef[], source: SlotSource): Promise<Outcome<WireSlotOpened>>;
  /** The old checkpoint becomes the new model's template and the new slot's checkpoint the old one. */
  swap(): Promise<Outcome<WireSwapped>>;
  /** Empties `slot` (Start over): its checkpoint closed, its files no longer held, an open still running not kept. */
  forget(slot: SlotId): Promise<Outcome<void>>;
  /** A variable's statistics: stored values in the old slot, default values (seeded) in the new one. */
  inspect(slot: SlotId, name: string, view: ViewOptions, seed: number): Promise<Outcome<InspectResult>>;
  /** autoMatch over the open old checkpoint and new model: the recipe with the matcher's links added, and its facts. */
  match(recipe: Recipe): Promise<Outcome<Matched>>;
  /** Before/after values of one plan entry from the real bytes; a later request (higher id) cancels this one. */
  preview(entry: PlanEntry, view: ViewOptions, seed: number, id: number): Promise<Outcome<PreviewResult>>;
  /** The links that keep the old model's function in the widened/deepened new one (core/mapping/grow). */
  keepFunction(recipe: Recipe, options: KeepFunctionOptions): Promise<Outcome<KeepFunctionResult>>;
}
