export { HDF5_SIGNATURE, detectKeras, explainKeras, hdf5SignatureOffset, isKerasModelJson, isKerasZip, type KerasMatch } from './detect';
export { openH5, type OpenedH5 } from './h5';
export { KERAS_WEIGHTS_MEMBER, openKerasZip, subSource } from './keras-zip';
export { keras3Location, openKerasH5, splitAttr, type KerasH5Checkpoint } from './read';
