import { describe, expect, it } from 'vitest';
import { GraftError } from '../errors';
import { parseShardSize, planShards } from './shard-plan';

const sized = (...bytes: number[]) => bytes.map((b, i) => ({ name: `t${i}`, bytes: b }));
const shards = (plan: ReturnType<typeof planShards>) => {
  const out: string[][] = Array.from({ length: plan.count }, () => []);
  for (const [n, s] of plan.shardOf) out[s]!.push(n);
  return out;
};

describe('planShards splits as huggingface_hub does', () => {
  it("HF's own example: [6, 6, 2, 6, 2, 2] GB under 10 GB → [6], [6+2], [6+2+2]", () => {
    const plan = planShards(sized(6, 6, 2, 6, 2, 2), 10);
    expect(shards(plan)).toEqual([['t0'], ['t1', 't2'], ['t3', 't4', 't5']]);
    expect(plan.totalBytes).toBe(24);
    expect(plan.order).toEqual(['t0', 't1', 't2', 't3', 't4', 't5']);
  });

  it('fills a shard exactly up to the limit, and starts the next one past it', () => {
    expect(shards(planShards(sized(4, 6, 1), 10))).toEqual([['t0', 't1'], ['t2']]);
    expect(shards(planShards(sized(4, 7), 10))).toEqual([['t0'], ['t1']]);
  });

  it('a tensor bigger than the limit gets a shard of its own at once, numbered before the shard still filling', () => {
    const plan = planShards(sized(3, 50, 3, 4, 60), 10);
    expect(shards(plan)).toEqual([['t1'], ['t4'], ['t0', 't2', 't3']]);
    expect(plan.order).toEqual(['t1', 't4', 't0', 't2', 't3']);
    expect(plan.totalBytes).toBe(120);
  });

  it('everything under the limit is one shard; nothing at all is one empty shard', () => {
    expect(planShards(sized(1, 2, 3), 100).count).toBe(1);
    expect(planShards([], 100)).toMatchObject({ count: 1, totalBytes: 0, order: [] });
  });

  it('zero-byte tensors stay where they come', () => {
    expect(shards(planShards(sized(10, 0, 1), 10))).toEqual([['t0', 't1'], ['t2']]);
  });
});

describe('parseShardSize', () => {
  it('takes bytes, decimal units as HF does and binary units', () => {
    expect(parseShardSize('1000')).toBe(1000);
    expect(parseShardSize('500MB')).toBe(500_000_000);
    expect(parseShardSize('2GB')).toBe(2_000_000_000);
    expect(parseShardSize('1.5gb')).toBe(1_500_000_000);
    expect(parseShardSize(' 10 KB ')).toBe(10_000);
    expect(parseShardSize('5GiB')).toBe(5 * 2 ** 30);
    expect(parseShardSize('512mib')).toBe(512 * 2 ** 20);
    expect(parseShardSize('1TB')).toBe(1e12);
    expect(parseShardSize('64B')).toBe(64);
  });

  it('refuses what is not a positive size, saying what it takes', () => {
    for (const bad of ['', '0', '-5MB', '5XB', 'GB', '1e9', '0.1B']) {
      const err = (() => {
        try {
          parseShardSize(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(err, bad).toBeInstanceOf(GraftError);
      expect((err as GraftError).message).toContain('500MB, 2GB, 5GiB');
    }
  });
});
