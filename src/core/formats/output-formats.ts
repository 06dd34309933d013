/** The formats Graft writes, apart from their writers: the page lists them without loading any writer's code. */
export type OutputFormat = 'tf' | 'tfjs' | 'keras' | 'keras-legacy' | 'safetensors' | 'pytorch';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['tf', 'tfjs', 'keras', 'keras-legacy', 'safetensors', 'pytorch'];

/** The formats `maxShardBytes` applies to. */
export const SHARDABLE_FORMATS: readonly OutputFormat[] = ['tf', 'safetensors'];
