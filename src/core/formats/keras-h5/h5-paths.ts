/**
 * The checks on a Keras HDF5 file's planned layout, before anything is created: HDF5 reads `a//b` as `a/b` and `.`
 * as the group itself, and h5wasm passes names as C strings (cut at a NUL), so such a name would land on another
 * object or fail half-way through the file; a path that is a dataset cannot also be a group.
 */
import { GraftError } from '../../errors';
import { clip } from '../../io/untrusted';

const parentOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const MAX_DEPTH = 1000;
const shown = (p: string) => JSON.stringify(clip(p));

function badPart(path: string): string | undefined {
  if (path === '') return 'is empty';
  // Each level is a group HDF5 creates and a lookup here; no model nests anywhere near this deep.
  if (path.split('/', MAX_DEPTH + 1).length > MAX_DEPTH) return `is more than ${MAX_DEPTH} groups deep`;
  for (const part of path.split('/')) {
    if (part === '') return path.startsWith('/') || path.endsWith('/') ? 'starts or ends with "/"' : 'has an empty part ("//")';
    if (part === '.') return 'has a part "." (HDF5 reads it as the group itself)';
    if (part.includes('\0')) return 'contains a NUL character';
  }
  return undefined;
}

/**
 * Refuses a layout HDF5 cannot hold as planned. `datasets`: dataset path → the variable stored there; `groups`:
 * group path → the layer (or model) it is for. Both are relative to the file's root.
 */
export function checkH5Layout(file: string, datasets: ReadonlyMap<string, string>, groups: ReadonlyMap<string, string>): void {
  for (const [path, variable] of datasets) {
    const bad = badPart(path);
    if (bad) throw new GraftError('unsupported', file, `variable ${shown(variable)} would be stored at ${shown(path)}, which ${bad}; HDF5 cannot store it there — rename the variable`);
  }
  for (const [path, layer] of groups) {
    const bad = badPart(path);
    if (bad) throw new GraftError('unsupported', file, `layer ${shown(layer)} would get the HDF5 group ${shown(path)}, which ${bad}; HDF5 cannot create it — rename the layer`);
  }
  for (const path of [...datasets.keys(), ...groups.keys()]) {
    for (let p = parentOf(path); p !== ''; p = parentOf(p)) {
      if (datasets.has(p)) {
        throw new GraftError('corrupt', file, `${shown(p)} would be both a variable and the group holding ${shown(path)}; HDF5 cannot store both — rename one of them`);
      }
    }
  }
  for (const [path, layer] of groups) {
    if (datasets.has(path)) {
      throw new GraftError('corrupt', file, `${shown(path)} would be both the variable ${shown(datasets.get(path)!)} and the group of layer ${shown(layer)}; HDF5 cannot store both — rename one of them`);
    }
  }
}
