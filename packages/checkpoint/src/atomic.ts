import { basename, dirname, join } from 'node:path';
import { nodeCrypto, nodeFsPromises } from './builtins.js';

/**
 * Writes `chunks` to `file` via a temp file in the same directory + fsync + rename, so readers
 * never see a half-written checkpoint and a failure leaves the previous file intact.
 */
export async function writeFileAtomic(file: string, chunks: readonly Uint8Array[]): Promise<void> {
  const { open, rename, unlink } = nodeFsPromises();
  const { randomBytes } = nodeCrypto();
  const tmp = join(
    dirname(file),
    `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const fh = await open(tmp, 'wx');
  try {
    // writev takes at most IOV_MAX (1024) buffers per call
    for (let i = 0; i < chunks.length; i += 1000) {
      const batch = chunks.slice(i, i + 1000).filter((c) => c.length > 0);
      const { bytesWritten } = await fh.writev(batch as Uint8Array[]);
      const total = batch.reduce((a, c) => a + c.length, 0);
      // partial writev: finish the rest chunk by chunk
      if (bytesWritten < total) {
        let skip = bytesWritten;
        for (const c of batch) {
          if (skip >= c.length) {
            skip -= c.length;
            continue;
          }
          let rest = c.subarray(skip);
          skip = 0;
          while (rest.length > 0) {
            const r = await fh.write(rest);
            rest = rest.subarray(r.bytesWritten);
          }
        }
      }
    }
    await fh.sync();
    await fh.close();
    await rename(tmp, file);
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
}
