export { detectNumpy, isNpy, isNpz, type NumpyMatch } from './detect';
export { NPY_MAGIC, fortranToC, npyToValue, parseNpyHeader, type NpyHeader } from './npy';
export { arrayName, openNpyFiles, openNpz } from './read';
