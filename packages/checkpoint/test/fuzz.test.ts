import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, describe as suite } from 'vitest';
import { CheckpointError, loadTorch, loadTorchBuffer } from '../src/index.js';
import { zipChunks } from '../src/zip/write.js';
import { zipRecords } from './craft.js';
import { goldenCheckpoints } from './golden.js';

// Random truncations and byte flips of the golden files: every outcome must be a value or a
// diagnosed CheckpointError — never another exception, a hang or a runaway allocation.
const ITERATIONS = Number(process.env.HAWQ_FUZZ_ITERATIONS ?? 150);
const golden = goldenCheckpoints();
const zipFile = readFileSync(
  golden.find((c) => c.path.endsWith('a_resnet18_uniform8/checkpoint.pth.tar'))!.path,
);
const legacyFile = readFileSync(
  golden.find((c) => c.path.endsWith('checkpoint_legacy.pth.tar'))!.path,
);

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function mutate(src: Uint8Array, rnd: () => number, from = 0, to = src.length): Uint8Array {
  if (rnd() < 0.3) return src.subarray(0, Math.floor(rnd() * src.length));
  const out = new Uint8Array(src);
  const flips = 1 + Math.floor(rnd() * 8);
  for (let i = 0; i < flips; i++) {
    const p = from + Math.floor(rnd() * (to - from));
    out[p] = rnd() < 0.5 ? out[p]! ^ (1 << Math.floor(rnd() * 8)) : Math.floor(rnd() * 256);
  }
  return out;
}

function check(bytes: Uint8Array, label: string, opts?: { verifyCrc?: boolean }): 'ok' | 'error' {
  const heapBefore = process.memoryUsage().arrayBuffers;
  const t0 = performance.now();
  let outcome: 'ok' | 'error' = 'ok';
  try {
    loadTorchBuffer(bytes, label, opts);
  } catch (e) {
    if (!(e instanceof CheckpointError) || e.message.includes('unexpected error')) {
      throw new Error(`${label}: ${e instanceof Error ? e.stack : String(e)}`);
    }
    outcome = 'error';
  }
  expect(performance.now() - t0, `${label} took too long`).toBeLessThan(5000);
  // copies are bounded by the default budget (2 × file + 64 MiB)
  expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(
    2 * bytes.length + 80 * 2 ** 20,
  );
  return outcome;
}

/** Re-zips the golden archive with a mutated data.pkl (valid CRCs), so the pickle VM gets fuzzed. */
function withPickle(pkl: Uint8Array): Uint8Array {
  const records = zipRecords(zipFile).map((r) =>
    r.name.endsWith('data.pkl') ? { ...r, data: pkl } : r,
  );
  return Buffer.concat(zipChunks(records));
}

suite('fuzzing the reader with golden files', () => {
  it(`zip archive: ${ITERATIONS} truncations/flips (CRC on and off)`, () => {
    const r = rng(1);
    const seen = { ok: 0, error: 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      seen[check(mutate(zipFile, r), `zip#${i}`, { verifyCrc: i % 2 === 0 })]++;
    }
    expect(seen.error).toBeGreaterThan(0);
  });

  it(`data.pkl: ${ITERATIONS} mutated pickles inside a valid archive`, () => {
    const pkl = zipRecords(zipFile).find((r) => r.name.endsWith('data.pkl'))!.data;
    const r = rng(2);
    const seen = { ok: 0, error: 0 };
    for (let i = 0; i < ITERATIONS; i++) seen[check(withPickle(mutate(pkl, r)), `pkl#${i}`)]++;
    expect(seen.error).toBeGreaterThan(0);
    expect(seen.ok).toBeGreaterThan(0); // flips in strings/floats still decode
  });

  it(`legacy file: ${ITERATIONS} truncations/flips (header and pickles)`, () => {
    const r = rng(3);
    for (let i = 0; i < ITERATIONS; i++) {
      // half the flips land in the ~50 kB of pickles at the start, where parsing happens
      const bytes = i % 2 ? mutate(legacyFile, r) : mutate(legacyFile, r, 0, 60_000);
      check(bytes, `legacy#${i}`);
    }
  });

  it('files on disk (record-by-record reads) behave like buffers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-fuzz-'));
    try {
      const r = rng(4);
      for (let i = 0; i < 40; i++) {
        const bytes = mutate(i % 2 ? zipFile : legacyFile, r);
        const file = join(dir, `f${i}.pth`);
        writeFileSync(file, bytes);
        const fromBuffer = check(bytes, `file#${i}`);
        const fromFile = await loadTorch(file).then(
          () => 'ok',
          (e: unknown) => {
            if (!(e instanceof CheckpointError) || e.message.includes('unexpected error')) throw e;
            return 'error';
          },
        );
        expect(fromFile, `file#${i}`).toBe(fromBuffer);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
