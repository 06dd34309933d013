/**
 * Finds Keras weights among dropped files: HDF5 files by their signature (at 0, 512, 1024, 2048, ... where a user
 * block may push the superblock), `.keras` archives by content (a zip holding model.weights.h5). Also says what a
 * Keras model JSON without weights is, for the "not recognised" sentence. Never throws.
 */
import { basename, type ByteSource } from '../../io/byte-source';
import { hasZipMagic, readZipDirectory } from '../../io/zip';
import { KERAS_WEIGHTS_MEMBER } from './keras-zip';

/** HDF5 format signature, https://docs.hdfgroup.org/hdf5/latest/_f_m_t3.html#Superblock */
export const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX_USER_BLOCK = 1 << 26;

export async function hdf5SignatureOffset(source: ByteSource): Promise<number | null> {
  try {
    for (let at = 0; at + 8 <= source.size && at <= MAX_USER_BLOCK; at = at === 0 ? 512 : at * 2) {
      const b = await source.read(at, 8);
      if (HDF5_SIGNATURE.every((x, i) => b[i] === x)) return at;
    }
  } catch {
    // unreadable: not HDF5
  }
  return null;
}

export interface KerasMatch {
  kind: 'h5' | 'keras-zip';
  source: ByteSource;
}

export async function isKerasZip(source: ByteSource): Promise<boolean> {
  try {
    if (!(await hasZipMagic(source))) return false;
    const entries = await readZipDirectory(source);
    return entries.some((e) => e.name === KERAS_WEIGHTS_MEMBER || e.name === 'model.weights.npz') && entries.some((e) => e.name === 'config.json');
  } catch {
    return false;
  }
}

export async function detectKeras(files: readonly ByteSource[]): Promise<KerasMatch[]> {
  const out: KerasMatch[] = [];
  for (const f of files) {
    try {
      if ((await hdf5SignatureOffset(f)) !== null) out.push({ kind: 'h5', source: f });
      else if (await isKerasZip(f)) out.push({ kind: 'keras-zip', source: f });
    } catch {
      // never throws
    }
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether parsed JSON is a Keras model config (`model.to_json()`, a `.keras` config.json). */
export function isKerasModelJson(json: unknown): boolean {
  if (!isObject(json) || typeof json.class_name !== 'string' || !isObject(json.config)) return false;
  return 'keras_version' in json || 'module' in json || 'backend' in json || Array.isArray(json.config.layers) || 'build_config' in json;
}

/** One sentence per JSON file that is a Keras model architecture (no weights). */
export async function explainKeras(files: readonly ByteSource[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    try {
      if (!f.path.toLowerCase().endsWith('.json') || f.size > 64 << 20 || f.size < 2) continue;
      const json: unknown = JSON.parse(new TextDecoder().decode(await f.read(0, f.size)));
      if (isObject(json) && 'weightsManifest' in json) continue;
      if (isKerasModelJson(json)) out.push(`${basename(f.path)} is a Keras model architecture without weights — drop it as the new model`);
    } catch {
      // not JSON
    }
  }
  return out;
}
