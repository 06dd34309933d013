export { detectSafetensors, looksLikeSafetensors, type SafetensorsMatch } from './detect';
export {
  MAX_HEADER_SIZE,
  SAFETENSORS_DTYPES,
  openSafetensors,
  openShardedSafetensors,
  parseSafetensorsIndex,
  readSafetensorsHeader,
  type SafetensorsCheckpoint,
  type SafetensorsEntry,
  type SafetensorsHeader,
  type SafetensorsIndex,
} from './read';
