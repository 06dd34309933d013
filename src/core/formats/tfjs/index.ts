export { detectTfjs, explainTfjs, type TfjsMatch } from './detect';
export { parseModelJson, trainableLayers, weightTrainable, type ManifestEntry, type ManifestGroup, type ModelJson, type TfjsQuantization } from './manifest';
export { GroupBytes, dequantize, openTfjs, type TfjsCheckpoint } from './read';
