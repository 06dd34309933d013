import { describe, expect, it } from 'vitest';
import { shardLimit } from './export-slice';

describe('shardLimit', () => {
  it('reads a size as --max-shard-size does, for tf and safetensors', () => {
    expect(shardLimit('safetensors', '4KB')).toEqual({ bytes: 4000 });
    expect(shardLimit('tf', ' 2 GiB ')).toEqual({ bytes: 2 * 2 ** 30 });
    expect(shardLimit('tf', '1000')).toEqual({ bytes: 1000 });
  });

  it('asks for no limit when empty, or for a format without shards', () => {
    expect(shardLimit('safetensors', '  ')).toEqual({});
    expect(shardLimit('keras', '4KB')).toEqual({});
    expect(shardLimit('keras', 'nonsense')).toEqual({});
  });

  it('says why a value is not a size', () => {
    expect(shardLimit('safetensors', '4 bananas').error).toBe('A shard size is a number of bytes or a number with a unit (500MB, 2GB, 5GiB), not "4 bananas".');
    expect(shardLimit('tf', '0').error).toMatch(/not "0"/);
    expect(shardLimit('tf', '-5MB').error).toMatch(/not "-5MB"/);
  });
});
