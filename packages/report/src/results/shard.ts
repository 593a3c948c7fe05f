import { ShardSpecError } from '../errors.js';

export interface Shard {
  /** 1-based shard index. */
  index: number;
  count: number;
}

/** Parses `--shard i/n` (1 ≤ i ≤ n). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new ShardSpecError(`--shard '${text}': expected i/n with 1 ≤ i ≤ n, e.g. --shard 2/3`);
  }
  return { index, count };
}

/**
 * The items of shard i/n: round-robin over the full, fixed list, so every machine computes the
 * same split without talking to the others, and the big models spread over the shards.
 */
export function shardItems<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, k) => k % shard.count === shard.index - 1);
}
