export { detectNumpy, isNpy, isNpz, type NumpyMatch } from './detect';
export { NPY_MAGIC, fortranToC, npyToValue, parseNpyHeader, type NpyHeader } from './npy';
export { arrayName, openNpyFiles, openNpz } from './read';
export { entryDataOffset, hasZipMagic, readEntry, readEntryPrefix, readZipDirectory, type ZipEntry } from './zip';
