/**
 * What crosses between the page and the worker. Everything here survives structured clone:
 * `File`s go by reference, results are plain data, and failures come back as GraftErrorData
 * (comlink would flatten a thrown GraftError into a bare Error and lose its code and file).
 */
import type { GraftErrorData } from '../core/errors';
import type { TensorInfo } from '../core/model/checkpoint';
import type { Heatmap, Histogram, KernelView, Summary } from '../core/analysis/stats';

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
}

export interface CheckpointData {
  format: string;
  label: string;
  files: string[];
  tensors: TensorInfo[];
  warnings: string[];
}

export interface OpenResult {
  candidates: CandidateData[];
  /** Which candidate was opened. */
  candidateId: string;
  checkpoint: CheckpointData;
}

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

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: GraftErrorData };

/** The object the worker exposes through comlink. */
export interface WorkerApi {
  open(files: FileRef[], candidateId?: string): Promise<Outcome<OpenResult>>;
  inspect(name: string, view: ViewOptions): Promise<Outcome<InspectResult>>;
}
