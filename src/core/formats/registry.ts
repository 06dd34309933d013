/**
 * The formats Graft reads, and the two entry points every caller uses: which checkpoints are in
 * the dropped files, and open one of them.
 */
import { GraftError } from '../errors';
import { basename, type ByteSource } from '../io/byte-source';
import type { Checkpoint } from '../model/checkpoint';
import { openTfBundle } from './tf-bundle/bundle';
import { detectTfBundles } from './tf-bundle/detect';

export type FormatId = 'tf-bundle';

export interface Candidate {
  format: FormatId;
  /** Stable within one drop: for a TF bundle, the prefix path. */
  id: string;
  label: string;
  isDefault: boolean;
  /** Paths of the files this candidate reads. */
  files: string[];
}

export interface FormatSpec {
  id: FormatId;
  name: string;
  /** File name endings that announce the format. */
  extensions: string[];
  /** Magic bytes and where they sit (a negative offset counts from the end of the file). */
  magic?: { offset: number; bytes: number[] };
  /** What Graft expects to be dropped, for the "not recognised" sentence. */
  expects: string;
  /** Candidates among the files; never throws. */
  detect(files: readonly ByteSource[]): Promise<Candidate[]>;
  open(files: readonly ByteSource[], id: string): Promise<Checkpoint>;
}

const tfBundle: FormatSpec = {
  id: 'tf-bundle',
  name: 'TensorFlow checkpoint',
  extensions: ['.index', '.data-00000-of-00001'],
  // tensorflow/core/lib/io/format.h: kTableMagicNumber, little-endian, in the last 8 bytes of the .index
  magic: { offset: -8, bytes: [0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb] },
  expects: 'a TensorFlow checkpoint (PREFIX.index with its PREFIX.data-NNNNN-of-NNNNN files, a checkpoint folder, or a SavedModel folder)',
  async detect(files) {
    const matches = await detectTfBundles(files);
    return matches.map((m) => ({ format: 'tf-bundle', id: m.prefix, label: m.label, isDefault: m.isDefault, files: m.files }));
  },
  async open(files, id) {
    const m = (await detectTfBundles(files)).find((x) => x.prefix === id);
    if (!m) throw new GraftError('not-found', id, 'no TensorFlow checkpoint with this prefix among the dropped files');
    return openTfBundle(m.index, m.shards, m.prefix);
  },
};

export const FORMATS: readonly FormatSpec[] = [tfBundle];

export async function listCandidates(files: readonly ByteSource[]): Promise<Candidate[]> {
  const all: Candidate[] = [];
  for (const format of FORMATS) {
    try {
      all.push(...(await format.detect(files)));
    } catch {
      // detect never throws; a format that does is skipped rather than hiding the others
    }
  }
  // One default across formats: the first one a format marked.
  let seen = false;
  return all.map((c) => {
    const isDefault = c.isDefault && !seen;
    if (isDefault) seen = true;
    return { ...c, isDefault };
  });
}

/** Opens the candidate `candidateId`, or the default one. */
export async function openCheckpoint(files: readonly ByteSource[], candidateId?: string): Promise<Checkpoint> {
  const candidates = await listCandidates(files);
  const names = files.map((f) => basename(f.path));
  if (candidates.length === 0) {
    const shown = names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');
    throw new GraftError(
      'not-recognised',
      shown || '(no files)',
      `none of these files is a checkpoint Graft reads — expected ${FORMATS.map((f) => f.expects).join('; or ')}`,
    );
  }
  const chosen =
    candidateId === undefined
      ? (candidates.find((c) => c.isDefault) ?? candidates[0]!)
      : candidates.find((c) => c.id === candidateId);
  if (!chosen) {
    throw new GraftError('not-found', candidateId ?? '', `no checkpoint with this id among the dropped files; found ${candidates.map((c) => c.id).join(', ')}`);
  }
  const format = FORMATS.find((f) => f.id === chosen.format)!;
  return format.open(files, chosen.id);
}
