/**
 * Finds TF.js models among dropped files: a JSON file (by content: it parses and has a `weightsManifest`) whose
 * weight files, named by the manifest relative to it, were dropped too. A model.json whose weight files are
 * missing is not a checkpoint; `explainTfjs` says which files are missing. Never throws.
 */
import { basename, dirname, joinPath, type ByteSource } from '../../io/byte-source';
import { parseModelJson, type ModelJson } from './manifest';
import { listSome } from '../../io/untrusted';

export interface TfjsMatch {
  modelPath: string;
  model: ModelJson;
  groups: ByteSource[][];
  files: string[];
  /** Manifest paths not found among the dropped files. */
  missing: string[];
}

const MAX_MODEL_JSON_BYTES = 256 << 20;

/** Reads a small JSON-looking file as text (first byte `{`), or null. */
export async function readJsonText(f: ByteSource, cap = MAX_MODEL_JSON_BYTES): Promise<string | null> {
  try {
    if (f.size < 2 || f.size > cap) return null;
    const head = await f.read(0, Math.min(f.size, 64));
    const first = new TextDecoder().decode(head).trimStart()[0];
    if (first !== '{') return null;
    return new TextDecoder().decode(await f.read(0, f.size));
  } catch {
    return null;
  }
}

async function scan(files: readonly ByteSource[]): Promise<TfjsMatch[]> {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const byBase = new Map<string, ByteSource[]>();
  for (const f of files) byBase.set(basename(f.path), [...(byBase.get(basename(f.path)) ?? []), f]);
  const out: TfjsMatch[] = [];
  for (const f of files) {
    if (!f.path.toLowerCase().endsWith('.json')) continue;
    const text = await readJsonText(f);
    if (text === null || !text.includes('weightsManifest')) continue;
    let model: ModelJson | null;
    try {
      model = parseModelJson(f.path, text);
    } catch {
      continue;
    }
    if (!model) continue;
    const missing: string[] = [];
    const groups = model.weightsManifest.map((g) =>
      g.paths.flatMap((p) => {
        const exact = byPath.get(joinPath(dirname(f.path), p));
        if (exact) return [exact];
        // Dropped from elsewhere: accept a unique file of the same name.
        const same = byBase.get(basename(p)) ?? [];
        if (same.length === 1) return [same[0]!];
        missing.push(p);
        return [];
      }),
    );
    out.push({ modelPath: f.path, model, groups, files: [f.path, ...groups.flat().map((s) => s.path)], missing });
  }
  return out;
}

/** Models whose weight files are all present. */
export async function detectTfjs(files: readonly ByteSource[]): Promise<TfjsMatch[]> {
  try {
    return (await scan(files)).filter((m) => m.missing.length === 0);
  } catch {
    return [];
  }
}

/** A TF.js model.json with a topology but no weights manifest (saved without weights). */
async function topologyOnly(files: readonly ByteSource[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    if (!f.path.toLowerCase().endsWith('.json')) continue;
    const text = await readJsonText(f);
    if (text === null || !text.includes('modelTopology')) continue;
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      if (json.modelTopology && !('weightsManifest' in json)) out.push(`${f.path} is a TF.js model topology without weights — drop it as the new model`);
    } catch {
      // not JSON
    }
  }
  return out;
}

/** One sentence per TF.js model.json that is not a checkpoint: weight files missing, or no weights at all. */
export async function explainTfjs(files: readonly ByteSource[]): Promise<string[]> {
  try {
    const missing = (await scan(files))
      .filter((m) => m.missing.length > 0)
      .map((m) => {
        const kind = m.model.format === 'graph-model' ? 'graph model' : 'layers model';
        const n = m.missing.length;
        return `${m.modelPath} is a TF.js ${kind} whose weight file${n > 1 ? 's' : ''} ${listSome(m.missing)} ${n > 1 ? 'were' : 'was'} not dropped with it — drop the model.json together with its .bin files`;
      });
    return [...(await topologyOnly(files)), ...missing];
  } catch {
    return [];
  }
}
