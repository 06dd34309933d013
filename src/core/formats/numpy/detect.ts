/** Finds NumPy arrays among dropped files by content: `.npy` by its magic, `.npz` as a zip of `.npy` members. Never throws. */
import { dirname, type ByteSource } from '../../io/byte-source';
import { NPY_MAGIC } from './npy';
import { hasZipMagic, readZipDirectory } from '../../io/zip';

export async function isNpy(source: ByteSource): Promise<boolean> {
  try {
    if (source.size < 10) return false;
    const b = await source.read(0, 6);
    return NPY_MAGIC.every((x, i) => b[i] === x);
  } catch {
    return false;
  }
}

/**
 * A zip whose members are all `.npy`; or a file named `.npz` that starts like a zip but whose directory cannot be
 * read (so opening it reports the damage rather than "not recognised").
 */
export async function isNpz(source: ByteSource): Promise<boolean> {
  try {
    if (!(await hasZipMagic(source))) return false;
  } catch {
    return false;
  }
  try {
    const entries = (await readZipDirectory(source)).filter((e) => !e.name.endsWith('/'));
    return entries.length > 0 && entries.every((e) => e.name.endsWith('.npy'));
  } catch {
    return source.path.toLowerCase().endsWith('.npz');
  }
}

export interface NumpyMatch {
  kind: 'npy' | 'npz';
  /** The .npz path, or the folder of the .npy files. */
  id: string;
  sources: ByteSource[];
}

export async function detectNumpy(files: readonly ByteSource[]): Promise<NumpyMatch[]> {
  const out: NumpyMatch[] = [];
  const folders = new Map<string, ByteSource[]>();
  for (const f of files) {
    if (await isNpy(f)) {
      const folder = folders.get(dirname(f.path));
      if (folder) folder.push(f);
      else folders.set(dirname(f.path), [f]);
    }
    else if (await isNpz(f)) out.push({ kind: 'npz', id: f.path, sources: [f] });
  }
  for (const [dir, sources] of folders) out.push({ kind: 'npy', id: sources.length === 1 ? sources[0]!.path : `${dir || '.'}/*.npy`, sources });
  return out;
}
