import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** HAWQ_GOLDEN_DIR, default <repo>/../shared/golden. */
export const GOLDEN = process.env.HAWQ_GOLDEN_DIR ?? join(repo, '..', 'shared', 'golden');
export const hasGolden = existsSync(join(GOLDEN, 'a_resnet18_uniform8', 'checkpoint.pth.tar'));

export function f32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
export function i32(path: string): Int32Array {
  const b = readFileSync(path);
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
