/**
 * TF checkpoints that are one model's history: the prefixes a `checkpoint` state file names (newest first). Only
 * these share a slot behind a picker whose first entry may say "(latest)"; any other prefix is a model of its own.
 */
import { parseCheckpointState } from '../core/formats/tf-bundle/detect';
import { basename, type ByteSource } from '../core/io/byte-source';

export interface CheckpointHistory {
  /** The state file's path. */
  state: string;
  /** Candidate ids it names, the latest first. */
  ids: string[];
}

const MAX_STATE_BYTES = 1 << 20;
const dirOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));

/** Same folder as the state file and the same last name: TF writes the names relative, or absolute from elsewhere. */
const names = (state: string, named: string, id: string) => dirOf(id) === dirOf(state) && (named.split(/[\\/]/).pop() ?? named) === basename(id);

/** Reads every dropped `checkpoint` state file (never throws; an unreadable one names nothing). */
export async function checkpointHistories(files: readonly ByteSource[], candidates: readonly { id: string; format: string }[]): Promise<CheckpointHistory[]> {
  const bundles = candidates.filter((c) => c.format === 'tf-bundle');
  const out: CheckpointHistory[] = [];
  for (const f of files) {
    if (basename(f.path) !== 'checkpoint' || f.size > MAX_STATE_BYTES || bundles.length === 0) continue;
    let named: string[];
    try {
      named = parseCheckpointState(new TextDecoder().decode(await f.read(0, f.size)));
    } catch {
      continue;
    }
    const ids: string[] = [];
    for (const n of named) {
      const hit = bundles.find((c) => names(f.path, n, c.id));
      if (hit && !ids.includes(hit.id)) ids.push(hit.id);
    }
    if (ids.length > 0) out.push({ state: f.path, ids });
  }
  return out;
}
