// Progress events: the library reports, the caller (CLI progress bar, logs, tests) renders.
import type { TransferEvent } from './download/resume.js';

export type ZooEvent = { model: string } & (
  | TransferEvent
  | { type: 'lock-wait' }
  | { type: 'cached'; dir: string }
  | { type: 'installed'; dir: string; bytes: number; sha256: string }
);

export type ZooEventHandler = (event: ZooEvent) => void;

export interface ZooOptions {
  /** Defaults to `cacheRoot()` ($HAWQ_CACHE_DIR, $XDG_CACHE_HOME/hawq, ~/.cache/hawq). */
  cacheDir?: string;
  signal?: AbortSignal;
  onEvent?: ZooEventHandler;
}
