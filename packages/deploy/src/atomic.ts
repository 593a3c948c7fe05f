// Atomic file writes (temp file + rename): an interrupted export never leaves a truncated file.
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

export async function writeFileAtomic(
  file: string,
  bytes: Uint8Array | Uint8Array[],
): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, Array.isArray(bytes) ? Buffer.concat(bytes) : bytes);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
