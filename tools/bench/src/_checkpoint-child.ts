// The measuring process of `pnpm bench checkpoint`: `node --expose-gc _checkpoint-child.js FILE N
// WARMUP crc|nocrc SETTLE_MS` loads FILE WARMUP times untimed, then N times timed, and prints JSON.
// It imports @hawq-ts/checkpoint and nothing else, like a script that only loads a checkpoint (the
// torch side runs `import torch` alone), so its RSS before loading is Node plus our package, not
// the benchmark's own modules. (The leading `_` keeps this module out of cli.ts's topic list.)
import { readFileSync } from 'node:fs';
import type { PyValue } from '@hawq-ts/checkpoint';

/** Peak RSS in KiB (VmHWM; ru_maxrss would report a bigger parent's RSS, see util.ts peakRssKiB). */
const peakRssKiB = () =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? Number.NaN);

// `performance` is a lazy global: its first use loads perf_hooks, which must count neither as
// import nor as load time.
performance.now();
const i0 = performance.now();
const ic0 = process.cpuUsage();
const { loadTorch, stateDictOf } = await import('@hawq-ts/checkpoint');
const importMs = performance.now() - i0;
const ic = process.cpuUsage(ic0);
const importCpuMs = (ic.user + ic.system) / 1000;

const [file, n, w, crc, settleMs] = process.argv.slice(2);
if (!file || !n || !w || !crc || !settleMs) {
  throw new Error('usage: _checkpoint-child.js FILE N WARMUP crc|nocrc SETTLE_MS');
}
const opts = { verifyCrc: crc === 'crc' };
const gc = (globalThis as { gc?: () => void }).gc;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const baseRssKB = peakRssKiB();
const cpuMs: number[] = [];
const pageFaults: number[] = [];

async function once(): Promise<number> {
  const f0 = process.resourceUsage().minorPageFault;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value: PyValue = await loadTorch(file!, opts);
  let elements = 0;
  for (const t of stateDictOf(value).values()) elements += t.data.length;
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  cpuMs.push((c.user + c.system) / 1000);
  pageFaults.push(process.resourceUsage().minorPageFault - f0);
  if (elements < 25_000_000) throw new Error(`only ${elements} elements loaded`);
  return ms;
}

// Two collections, each after a turn of the event loop, free a load's storages (the second takes
// the ones allocated during the first's marking); more only if memory says they are still there —
// every extra full GC also ages V8's compiled code, which a real program would not do.
async function settle(): Promise<void> {
  for (let i = 0; i < 20 && (i < 2 || process.memoryUsage().arrayBuffers > 16 * 2 ** 20); i++) {
    await pause(0);
    gc?.();
  }
  await pause(Number(settleMs));
}

// A cold run (WARMUP 0, N 1) measures the time and RSS of exactly one load in a fresh process.
for (let i = 0; i < Number(w); i++) {
  await once();
  cpuMs.pop();
  pageFaults.pop();
  await settle();
}
const runsMs: number[] = [];
for (let i = 0; i < Number(n); i++) {
  runsMs.push(await once());
  if (i < Number(n) - 1) await settle();
}
process.stdout.write(
  `${JSON.stringify({ runsMs, cpuMs, pageFaults, baseRssKB, maxRssKB: peakRssKiB(), importMs, importCpuMs })}\n`,
);
