/** Every failure Graft reports: a code for programs, the file it concerns, and one sentence for people. */
export type GraftErrorCode =
  | 'not-recognised'
  | 'truncated'
  | 'bad-magic'
  | 'block-checksum'
  | 'tensor-checksum'
  | 'corrupt'
  | 'missing-file'
  | 'unsupported'
  | 'too-large'
  | 'not-found'
  | 'ambiguous'
  | 'usage'
  /** The person (or a signal) stopped a run; nothing was left behind. */
  | 'cancelled'
  /** A plan has entries that cannot be computed (incompatible links). */
  | 'incompatible';

/**
 * A sentence past this length is cut: readers clip the names a file supplies, and this is the net under them (a
 * hostile file can make any name megabytes long, and the page and the CLI show the sentence whole).
 */
const MAX_SENTENCE = 2000;
const bounded = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max)}… (${s.length - max} more characters)`);

export class GraftError extends Error {
  readonly code: GraftErrorCode;
  readonly file: string;

  constructor(code: GraftErrorCode, file: string, sentence: string, options?: { cause?: unknown }) {
    super(file ? `${bounded(file, 400)}: ${bounded(sentence, MAX_SENTENCE)}` : bounded(sentence, MAX_SENTENCE), options);
    this.name = 'GraftError';
    this.code = code;
    this.file = file;
  }
}

export function isGraftError(e: unknown): e is GraftError {
  return e instanceof GraftError;
}

/** A plain object that survives postMessage / JSON, for the worker and the CLI. */
export interface GraftErrorData {
  code: GraftErrorCode | 'internal';
  file: string;
  message: string;
}

export function toErrorData(e: unknown): GraftErrorData {
  if (isGraftError(e)) return { code: e.code, file: e.file, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', file: '', message: `Unexpected failure: ${message}` };
}
