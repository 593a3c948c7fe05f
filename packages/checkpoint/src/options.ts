/** Options of the readers. */
export interface LoadOptions {
  /**
   * Bytes the reader may allocate beyond the file (non-contiguous views, misaligned or big-endian
   * storages). Default: twice the file size + 64 MiB, so hostile files cannot exhaust memory.
   */
  maxCopyBytes?: number;
  /**
   * Also check the CRC-32 of every storage record (default false, like torch.load, which checks
   * none; data.pkl's CRC is always checked). Costs about 1 s per GB.
   */
  verifyCrc?: boolean;
}

export type CheckpointFormat = 'zip' | 'legacy';

export function defaultCopyBudget(fileSize: number, opts: LoadOptions | undefined): number {
  return opts?.maxCopyBytes ?? 2 * fileSize + 64 * 1024 * 1024;
}
