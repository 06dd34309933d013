/** The new model (TargetModel) from its JSON, or from a checkpoint used as a template. */
export { buildTarget, refuseUnbuilt, type TargetInput } from './build';
export { detectModelJson, type DetectedModelJson, type ModelJsonKind } from './detect';
export { targetFromCheckpoint } from './from-checkpoint';
export { computeFans, initializerValues } from './initializers';
