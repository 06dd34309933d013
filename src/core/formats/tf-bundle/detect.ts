/**
 * Finds TensorFlow checkpoints among the files a person dropped: every `PREFIX.index` with its
 * `PREFIX.data-NNNNN-of-NNNNN` shards, the default one named by a `checkpoint` state file, and
 * SavedModel folders (`saved_model.pb` + `variables/variables.*`). Never throws.
 */
import { basename, dirname, type ByteSource } from '../../io/byte-source';
import { parseDataFileName } from './naming';
import { hasTableMagic } from './table';

export interface TfBundleMatch {
  /** The bundle prefix as dropped, e.g. `training_2/cp-0000.ckpt`; the candidate's id. */
  prefix: string;
  label: string;
  index: ByteSource;
  shards: Map<number, ByteSource>;
  /** Number of shards the data file names announce, if any were dropped. */
  numShards?: number;
  /** The index ends with the table magic number. */
  valid: boolean;
  savedModel: boolean;
  isDefault: boolean;
  files: string[];
}

const STATE_FILE = 'checkpoint';
const MAX_STATE_BYTES = 1 << 20;

function unquote(s: string): string {
  return s.replace(/\\([0-7]{1,3}|.)/g, (_, e: string) => {
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
  });
}

/** `model_checkpoint_path` first, then `all_model_checkpoint_paths` newest first. */
export function parseCheckpointState(text: string): string[] {
  let model: string | undefined;
  const all: string[] = [];
  // Line by line: a multiline `^\s*` would rescan every run of blank lines from each of its lines (quadratic).
  for (const line of text.split('\n')) {
    const m = /^[ \t\r\f\v]*(model_checkpoint_path|all_model_checkpoint_paths)[ \t\r]*:[ \t\r]*"((?:[^"\\]|\\.)*)"/.exec(line);
    if (!m) continue;
    const value = unquote(m[2]!);
    if (m[1] === 'model_checkpoint_path') model ??= value;
    else all.push(value);
  }
  return [...(model !== undefined ? [model] : []), ...all.reverse()];
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

function isForeignAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\') || p.includes('\\');
}

/** Whether the state file at `statePath` names `prefix` by `named` exactly (a relative path). */
function namesExactly(statePath: string, named: string, prefix: string): boolean {
  const dir = dirname(statePath);
  return !isForeignAbsolute(named) && normalize(dir ? `${dir}/${named}` : named) === prefix;
}

/** The fallback for foreign absolute paths (or moved folders): same folder as the state file, same basename. */
function namesByBasename(statePath: string, named: string, prefix: string): boolean {
  const base = named.split(/[\\/]/).pop() ?? named;
  return dirname(prefix) === dirname(statePath) && base === basename(prefix);
}

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

async function readText(source: ByteSource): Promise<string | null> {
  try {
    if (source.size > MAX_STATE_BYTES) return null;
    return new TextDecoder().decode(await source.read(0, source.size));
  } catch {
    return null;
  }
}

export async function detectTfBundles(files: readonly ByteSource[]): Promise<TfBundleMatch[]> {
  try {
    const byPath = new Map(files.map((f) => [f.path, f]));
    const matches: TfBundleMatch[] = [];
    for (const f of files) {
      if (!f.path.endsWith('.index') || basename(f.path) === '.index') continue;
      const prefix = f.path.slice(0, -'.index'.length);
      const shards = new Map<number, ByteSource>();
      let numShards: number | undefined;
      for (const g of files) {
        const d = parseDataFileName(g.path);
        if (d && d.prefix === prefix && d.shardId < d.numShards && !shards.has(d.shardId)) {
          if (numShards === undefined || numShards === d.numShards) {
            numShards = d.numShards;
            shards.set(d.shardId, g);
          }
        }
      }
      const dir = dirname(prefix);
      const savedModel = basename(prefix) === 'variables' && basename(dir) === 'variables' && byPath.has(dirname(dir) ? `${dirname(dir)}/saved_model.pb` : 'saved_model.pb');
      const modelDir = dirname(dir);
      const label = savedModel ? `${modelDir || 'SavedModel'} (SavedModel)` : prefix;
      matches.push({
        prefix,
        label,
        index: f,
        shards,
        ...(numShards !== undefined ? { numShards } : {}),
        valid: await hasTableMagic(f),
        savedModel,
        isDefault: false,
        files: [f.path, ...[...shards.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s.path)],
      });
    }
    matches.sort((a, b) => naturalCompare(a.prefix, b.prefix));
    pickDefault(matches, await stateFiles(files));
    return matches;
  } catch {
    return [];
  }
}

async function stateFiles(files: readonly ByteSource[]): Promise<{ path: string; named: string[] }[]> {
  const out: { path: string; named: string[] }[] = [];
  for (const f of files) {
    if (basename(f.path) !== STATE_FILE) continue;
    const text = await readText(f);
    if (text !== null) out.push({ path: f.path, named: parseCheckpointState(text) });
  }
  return out;
}

function pickDefault(matches: TfBundleMatch[], states: { path: string; named: string[] }[]): void {
  const usable = matches.filter((m) => m.valid);
  const pool = usable.length > 0 ? usable : matches;
  if (pool.length === 0) return;
  for (const state of states) {
    for (const named of state.named) {
      const hit =
        pool.find((m) => namesExactly(state.path, named, m.prefix)) ?? pool.find((m) => namesByBasename(state.path, named, m.prefix));
      if (hit) {
        hit.isDefault = true;
        return;
      }
    }
  }
  // No state file names a dropped prefix: the latest one (natural order), preferring those with data.
  const withData = pool.filter((m) => m.shards.size > 0);
  const choice = (withData.length > 0 ? withData : pool).at(-1)!;
  choice.isDefault = true;
}
