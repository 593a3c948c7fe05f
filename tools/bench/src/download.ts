// `pnpm bench download [--sizes 50,200] [--content random,weights] [--runs 3] [--rate MBps]`: zoo fetch
// (download + .part + sha256 + gunzip + untar + per-file sha256 + manifest) of a .tar.gz from the
// loopback fake Drive, against `curl -s -o /dev/null` of the same final URL in the same run,
// interleaved (and, for scale, against curl + sha256sum + tar doing the same work one step after
// the other). Reports the median throughput ratio (goal ≥ 0.9) and the fetch process's peak RSS
// (goal < 150 MB, flat in archive size).
//
// Two archive contents: `random` (incompressible bytes; gzip stores them, so inflating is a copy)
// and `weights` (float32 values like a checkpoint's, gzip -6 as `tar czf` does: gzip shrinks them
// only ~7% but must Huffman-decode every byte, ~5x the CPU of a copy — what the real HAWQ
// archives cost). Every run also times the pipeline built up stage by stage in its own child
// process (the network read alone, + sha256, + .part write, + gunzip and tar parsing), so the
// report shows where the time goes, and the CPU time (user + system, all threads) of each side,
// including the fake server's: on 2 cores the sum bounds what any schedule can reach.
// `--rate MBps` makes the fake server send at most that many MB/s, like a real link (Google
// Drive serves one file at tens of MB/s): both curl and the fetch then face the same network, and
// the ratio says whether the fetch keeps up with it. Unthrottled loopback hands curl ~1 GB/s, more
// than a single gzip stream can be inflated at (results/download-rateN.json for throttled runs).
import { spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { once } from 'node:events';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGunzip, createGzip } from 'node:zlib';
import { startFakeDrive } from '@hawq-ts/fake-drive';
import { bulkReadAgent, fetchModel, resolveModel } from '@hawq-ts/zoo';
import tar from 'tar-stream';
import { request } from 'undici';
import { machineInfo, peakRssKiB, resultsPath, round } from './util.js';

const here = dirname(fileURLToPath(import.meta.url));
const MODEL = 'resnet18_bops0.5';
const MB = 1_000_000;
const CONTENTS = ['random', 'weights'] as const;
type Content = (typeof CONTENTS)[number];
/** Cumulative pipelines timed on their own; `fetch` is the whole zoo fetch. */
const STAGES = ['read', 'sha256', 'part', 'inflate'] as const;
type Stage = (typeof STAGES)[number];

interface Run {
  ms: number;
  mbPerS: number;
  /** user + system CPU time of the process doing it, all threads */
  cpuMs: number;
  peakRssMB?: number;
}

interface ChildReport {
  ms: number;
  cpuMs: number;
  peakRssMB: number;
  bytes: number;
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') return child(args[1]!, args[2]!);
  if (args[0] === '--stage') return stageChild(args[1] as Stage, args[2]!, args[3]!);
  const sizes = (flag(args, '--sizes') ?? '50,200').split(',').map(Number);
  const contents = (flag(args, '--content') ?? CONTENTS.join(',')).split(',') as Content[];
  for (const c of contents) {
    if (!CONTENTS.includes(c)) throw new Error(`--content: one of ${CONTENTS.join(', ')}`);
  }
  const runs = Number(flag(args, '--runs') ?? 3);
  const rateFlag = flag(args, '--rate');
  const rateMBps = rateFlag === undefined ? undefined : Number(rateFlag);
  if (rateMBps !== undefined && !(rateMBps > 0))
    throw new Error(`--rate needs a positive number of MB/s, got '${rateFlag}'`);
  const resultsFile = resultsPath(rateMBps ? `download-rate${rateMBps}` : 'download');
  const loadavgAtStart = loadavg().map((x) => round(x, 2));
  const work = mkdtempSync(join(tmpdir(), 'hawq-bench-download-'));
  const results = [];
  try {
    for (const content of contents) {
      for (const sizeMB of sizes) {
        results.push(await measure(work, content, sizeMB, runs, rateMBps));
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const out = {
    command: `pnpm bench download ${args.join(' ')}`.trim(),
    date: new Date().toISOString(),
    machine: { ...machineInfo(), loadavgAtStart },
    goals: { throughputRatio: '>= 0.9', peakRssMB: '< 150, flat in archive size' },
    linkMBps: rateMBps ?? null,
    results,
  };
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(out, null, 2)}\n`);
  for (const r of results) {
    const stages = STAGES.map((s) => `${s} ${r.stages[s].medianMBps.toFixed(0)}`).join(', ');
    console.log(
      `${r.content} ${r.archiveMB.toFixed(0)} MB: zoo fetch ${r.zooFetch.medianMBps.toFixed(0)} MB/s ` +
        `(CPU ${r.zooFetch.medianCpuMs.toFixed(0)} ms + server ${r.serverCpuMsPerFetch.toFixed(0)} ms) ` +
        `vs curl ${r.curl.medianMBps.toFixed(0)} MB/s (CPU ${r.curl.medianCpuMs.toFixed(0)} ms + server ${r.serverCpuMsPerCurl.toFixed(0)} ms) ` +
        `→ ratio ${r.throughputRatio.toFixed(2)}; vs curl+sha256sum+tar ${r.curlSha256sumTar.medianMBps.toFixed(0)} MB/s → ${r.throughputRatioSameWork.toFixed(2)}; ` +
        `peak RSS ${r.zooFetch.peakRssMB.toFixed(0)} MB; stages MB/s: ${stages}`,
    );
  }
  console.error(`wrote ${resultsFile}`);
}

async function measure(
  work: string,
  content: Content,
  sizeMB: number,
  runs: number,
  rateMBps: number | undefined,
) {
  const file = join(work, `${MODEL}-${content}-${sizeMB}.tar.gz`);
  console.error(`writing a ${sizeMB} MB ${content} archive (${file})`);
  await makeArchive(file, sizeMB * MB, content);
  const bytes = statSync(file).size;
  const drive = await startFakeDrive({
    files: { [resolveModel(MODEL).fileId]: { path: file, name: `${MODEL}.tar.gz` } },
    ...(rateMBps ? { throttleBytesPerSec: rateMBps * MB } : {}),
  });
  const url = drive.fileUrl(resolveModel(MODEL).fileId);
  const curl: Run[] = [];
  const sameWork: Run[] = [];
  const ours: Run[] = [];
  const stages = Object.fromEntries(STAGES.map((s) => [s, [] as Run[]])) as Record<Stage, Run[]>;
  const serverCpu = { curl: [] as number[], fetch: [] as number[] };
  try {
    for (let i = 0; i < runs; i++) {
      let c0 = process.cpuUsage();
      curl.push(await timeCurl(url, bytes));
      serverCpu.curl.push(cpuMsSince(c0));
      sameWork.push(
        await timeShell(sameWorkScript(url, join(work, `shell-${sizeMB}-${i}`)), bytes),
      );
      for (const stage of STAGES) {
        stages[stage].push(await timeChild(['--stage', stage, url, join(work, 'stage')], bytes));
      }
      const cacheDir = join(work, `cache-${sizeMB}-${i}`);
      c0 = process.cpuUsage();
      ours.push(await timeChild(['--child', drive.url, cacheDir], bytes));
      serverCpu.fetch.push(cpuMsSince(c0));
      rmSync(cacheDir, { recursive: true, force: true });
      console.error(
        `  run ${i + 1}: curl ${curl.at(-1)!.mbPerS.toFixed(0)} MB/s, curl+sha256sum+tar ${sameWork.at(-1)!.mbPerS.toFixed(0)} MB/s, ` +
          `zoo fetch ${ours.at(-1)!.mbPerS.toFixed(0)} MB/s (CPU ${ours.at(-1)!.cpuMs.toFixed(0)} ms), ` +
          `peak RSS ${ours.at(-1)!.peakRssMB!.toFixed(0)} MB; load ${loadavg()[0]!.toFixed(2)}`,
      );
    }
  } finally {
    await drive.close();
    rmSync(file, { force: true });
  }
  const summary = (rs: Run[]) => ({
    runs: rs,
    medianMBps: median(rs.map((r) => r.mbPerS)),
    medianCpuMs: median(rs.map((r) => r.cpuMs)),
  });
  const fetchSummary = summary(ours);
  const curlSummary = summary(curl);
  const sameWorkSummary = summary(sameWork);
  return {
    content,
    archiveMB: bytes / MB,
    curl: curlSummary,
    curlSha256sumTar: sameWorkSummary,
    zooFetch: { ...fetchSummary, peakRssMB: Math.max(...ours.map((r) => r.peakRssMB!)) },
    stages: Object.fromEntries(STAGES.map((s) => [s, summary(stages[s])])) as Record<
      Stage,
      ReturnType<typeof summary>
    >,
    /** The fake server's CPU time (in this process) while serving one curl / one fetch. */
    serverCpuMsPerCurl: median(serverCpu.curl),
    serverCpuMsPerFetch: median(serverCpu.fetch),
    throughputRatio: fetchSummary.medianMBps / curlSummary.medianMBps,
    throughputRatioSameWork: fetchSummary.medianMBps / sameWorkSummary.medianMBps,
  };
}

/**
 * A valid .tar.gz holding `<model>/checkpoint.pth.tar` of `size` bytes. `random`: incompressible
 * bytes at gzip level 1. `weights`: float32 values spread like trained conv weights, at gzip's
 * default level 6. The 4 MiB block repeats, but far beyond gzip's 32 KiB window, so gzip sees
 * neither repetition nor a difference from a real checkpoint.
 */
async function makeArchive(file: string, size: number, content: Content): Promise<void> {
  const pack = tar.pack();
  const level = content === 'random' ? 1 : 6;
  const done = pipeline(pack, createGzip({ level }), createWriteStream(file));
  const block = Buffer.alloc(4 << 20);
  if (content === 'random') randomFillSync(block);
  else {
    const w = new Float32Array(block.buffer, block.byteOffset, block.length / 4);
    // Sum of 3 uniforms: a bell shape; std ~0.025 like a ResNet conv layer's weights.
    for (let i = 0; i < w.length; i++)
      w[i] = (Math.random() + Math.random() + Math.random() - 1.5) * 0.05;
  }
  const entry = pack.entry({ name: `${MODEL}/checkpoint.pth.tar`, size });
  for (let left = size; left > 0; ) {
    const piece = block.subarray(0, Math.min(block.length, left));
    left -= piece.length;
    if (!entry.write(piece)) await once(entry, 'drain');
  }
  await new Promise<void>((resolve) => entry.end(() => resolve()));
  pack.finalize();
  await done;
}

/**
 * The same work done by standard tools, one after the other: download to a file, sha256 it,
 * extract it, sha256 the extracted files (what the zoo does in one streaming pass).
 */
function sameWorkScript(url: string, dir: string): string {
  return (
    `set -e; mkdir -p '${dir}/x'; curl -s -o '${dir}/a.tar.gz' '${url}'; sha256sum '${dir}/a.tar.gz' >/dev/null; ` +
    `tar xzf '${dir}/a.tar.gz' -C '${dir}/x'; find '${dir}/x' -type f -exec sha256sum {} + >/dev/null; rm -rf '${dir}'`
  );
}

function timeCurl(url: string, bytes: number): Promise<Run> {
  return timeCommand('curl', ['-s', '-o', '/dev/null', url], bytes);
}

function timeShell(script: string, bytes: number): Promise<Run> {
  return timeCommand('sh', ['-c', script], bytes);
}

/** Wall time from spawn to exit; CPU time from this process's reaped-children counters. */
function timeCommand(cmd: string, argv: string[], bytes: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const cpu0 = childrenCpuMs();
    const t0 = performance.now();
    const p = spawn(cmd, argv, { stdio: 'inherit' });
    p.on('error', reject);
    p.on('exit', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) reject(new Error(`${cmd} exited ${code}`));
      else resolve({ ms, mbPerS: bytes / MB / (ms / 1000), cpuMs: childrenCpuMs() - cpu0 });
    });
  });
}

/** A child of this benchmark (fetch or stage) that times itself (Node's start-up not counted). */
function timeChild(argv: string[], bytes: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const cli = join(here, 'cli.js');
    const p = spawn(process.execPath, [cli, 'download', ...argv], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${argv[0]} child exited ${code}`));
      const r = JSON.parse(out) as ChildReport;
      if (r.bytes !== bytes)
        return reject(new Error(`${argv[0]} child got ${r.bytes} bytes, expected ${bytes}`));
      resolve({
        ms: r.ms,
        mbPerS: bytes / MB / (r.ms / 1000),
        cpuMs: r.cpuMs,
        peakRssMB: r.peakRssMB,
      });
    });
  });
}

function report(t0: number, cpu0: NodeJS.CpuUsage, bytes: number): void {
  const r: ChildReport = {
    ms: performance.now() - t0,
    cpuMs: cpuMsSince(cpu0),
    peakRssMB: (peakRssKiB() * 1024) / MB,
    bytes,
  };
  process.stdout.write(JSON.stringify(r));
}

async function child(driveUrl: string, cacheDir: string): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await fetchModel(MODEL, { cacheDir, driveUrl, force: true });
  report(t0, cpu0, r.manifest.archive.bytes);
}

/** The fetch pipeline up to `stage`, on the zoo's own dispatcher and chunk sizes. */
async function stageChild(stage: Stage, url: string, dir: string): Promise<void> {
  if (!STAGES.includes(stage)) throw new Error(`unknown stage ${stage}`);
  const upTo = (s: Stage) => STAGES.indexOf(stage) >= STAGES.indexOf(s);
  mkdirSync(dir, { recursive: true });
  const part = join(dir, `${process.pid}.part`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const res = await request(url, { dispatcher: bulkReadAgent() });
  const hash = createHash('sha256');
  const out = upTo('part') ? createWriteStream(part, { highWaterMark: 1 << 20 }) : undefined;
  const gunzip = upTo('inflate') ? createGunzip({ chunkSize: 1 << 20 }) : undefined;
  const parsed = gunzip ? parseTar(gunzip) : undefined;
  let bytes = 0;
  for await (const chunk of res.body) {
    const buf = chunk as Buffer;
    bytes += buf.length;
    if (upTo('sha256')) hash.update(buf);
    if (out && !out.write(buf)) await once(out, 'drain');
    if (gunzip && !gunzip.write(buf)) await once(gunzip, 'drain');
  }
  hash.digest();
  if (out) {
    out.end();
    await once(out, 'finish');
  }
  if (gunzip) {
    gunzip.end();
    await parsed;
  }
  report(t0, cpu0, bytes);
  rmSync(part, { force: true });
}

/** Parses the tar stream and drops every entry's bytes. */
async function parseTar(source: NodeJS.ReadableStream): Promise<void> {
  const extract = tar.extract();
  const entries = extract[Symbol.asyncIterator]();
  const piping = pipeline(source, extract);
  for await (const entry of { [Symbol.asyncIterator]: () => entries }) {
    for await (const _ of entry) {
      // the bytes are only counted by gunzip's output; nothing to do
    }
  }
  await piping;
}

function cpuMsSince(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/** User + system time of this process's children that have exited (/proc/self/stat, in ticks). */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
