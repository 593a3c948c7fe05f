// `pnpm bench download [--sizes 50,200] [--runs 3]`: zoo fetch (download + sha256 + gunzip +
// untar + per-file sha256 + manifest) of a random-content .tar.gz from the loopback fake Drive,
// against `curl -s -o /dev/null` of the same final URL in the same run, interleaved (and, for
// scale, against curl + sha256sum + tar doing the same work as the fetch). Reports the
// median throughput ratio (goal ≥ 0.9) and the fetch process's peak RSS (goal < 150 MB, flat in
// archive size). Each fetch runs in its own child process, timed inside it (Node's start-up is
// not counted; curl's ~10 ms is), and reports its own getrusage maxRSS.
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { startFakeDrive } from '@hawq-ts/fake-drive';
import { fetchModel, resolveModel } from '@hawq-ts/zoo';
import tar from 'tar-stream';
import { machineInfo } from './util.js';

const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = join(here, '..', 'results', 'download.json');
const MODEL = 'resnet18_bops0.5';
const MB = 1_000_000;

interface Run {
  ms: number;
  mbPerS: number;
  peakRssMB?: number;
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') return child(args[1]!, args[2]!);
  const sizes = (flag(args, '--sizes') ?? '50,200').split(',').map(Number);
  const runs = Number(flag(args, '--runs') ?? 3);
  const work = mkdtempSync(join(tmpdir(), 'hawq-bench-download-'));
  const results = [];
  try {
    for (const sizeMB of sizes) {
      const file = join(work, `${MODEL}-${sizeMB}.tar.gz`);
      console.error(`writing a ${sizeMB} MB random-content archive (${file})`);
      await makeArchive(file, sizeMB * MB);
      const bytes = statSync(file).size;
      const drive = await startFakeDrive({
        files: { [resolveModel(MODEL).fileId]: { path: file, name: `${MODEL}.tar.gz` } },
      });
      const url = drive.fileUrl(resolveModel(MODEL).fileId);
      const curl: Run[] = [];
      const sameWork: Run[] = [];
      const ours: Run[] = [];
      try {
        for (let i = 0; i < runs; i++) {
          curl.push(await timeCurl(url, bytes));
          sameWork.push(
            await timeShell(sameWorkScript(url, join(work, `shell-${sizeMB}-${i}`)), bytes),
          );
          const cacheDir = join(work, `cache-${sizeMB}-${i}`);
          ours.push(await timeFetch(drive.url, cacheDir, bytes));
          rmSync(cacheDir, { recursive: true, force: true });
          console.error(
            `  run ${i + 1}: curl ${curl.at(-1)!.mbPerS.toFixed(0)} MB/s, curl+sha256sum+tar ${sameWork.at(-1)!.mbPerS.toFixed(0)} MB/s, zoo fetch ${ours.at(-1)!.mbPerS.toFixed(0)} MB/s, ` +
              `peak RSS ${ours.at(-1)!.peakRssMB!.toFixed(0)} MB`,
          );
        }
      } finally {
        await drive.close();
        rmSync(file, { force: true });
      }
      const curlMedian = median(curl.map((r) => r.mbPerS));
      const sameWorkMedian = median(sameWork.map((r) => r.mbPerS));
      const oursMedian = median(ours.map((r) => r.mbPerS));
      results.push({
        archiveMB: bytes / MB,
        curl: { runs: curl, medianMBps: curlMedian },
        curlSha256sumTar: { runs: sameWork, medianMBps: sameWorkMedian },
        zooFetch: {
          runs: ours,
          medianMBps: oursMedian,
          peakRssMB: Math.max(...ours.map((r) => r.peakRssMB!)),
        },
        throughputRatio: oursMedian / curlMedian,
        throughputRatioSameWork: oursMedian / sameWorkMedian,
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const out = {
    command: `pnpm bench download ${args.join(' ')}`.trim(),
    date: new Date().toISOString(),
    machine: {
      ...machineInfo(),
      loadavg: loadavg(),
    },
    goals: { throughputRatio: '>= 0.9', peakRssMB: '< 150, flat in archive size' },
    results,
  };
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(out, null, 2)}\n`);
  for (const r of results) {
    console.log(
      `${r.archiveMB.toFixed(0)} MB: zoo fetch ${r.zooFetch.medianMBps.toFixed(0)} MB/s vs curl ${r.curl.medianMBps.toFixed(0)} MB/s ` +
        `→ ratio ${r.throughputRatio.toFixed(2)} (vs curl+sha256sum+tar ${r.curlSha256sumTar.medianMBps.toFixed(0)} MB/s: ` +
        `${r.throughputRatioSameWork.toFixed(2)}); peak RSS ${r.zooFetch.peakRssMB.toFixed(0)} MB`,
    );
  }
  console.error(`wrote ${resultsFile}`);
}

/** A valid .tar.gz holding `<model>/checkpoint.pth.tar` of incompressible bytes (gzip level 1). */
async function makeArchive(file: string, size: number): Promise<void> {
  const pack = tar.pack();
  const done = pipeline(pack, createGzip({ level: 1 }), createWriteStream(file));
  const block = randomFillSync(Buffer.alloc(4 << 20)); // > gzip's 32 KiB window: still incompressible
  const entry = pack.entry({ name: `${MODEL}/checkpoint.pth.tar`, size });
  for (let left = size; left > 0; ) {
    const piece = block.subarray(0, Math.min(block.length, left));
    left -= piece.length;
    if (!entry.write(piece))
      await new Promise<void>((resolve) => entry.once('drain', () => resolve()));
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

function timeCommand(cmd: string, argv: string[], bytes: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(cmd, argv, { stdio: 'inherit' });
    p.on('error', reject);
    p.on('exit', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) reject(new Error(`${cmd} exited ${code}`));
      else resolve({ ms, mbPerS: bytes / MB / (ms / 1000) });
    });
  });
}

function timeFetch(driveUrl: string, cacheDir: string, bytes: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const cli = join(here, 'cli.js');
    const p = spawn(process.execPath, [cli, 'download', '--child', driveUrl, cacheDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`fetch child exited ${code}`));
      const r = JSON.parse(out) as { ms: number; peakRssMB: number; bytes: number };
      if (r.bytes !== bytes)
        return reject(new Error(`fetched ${r.bytes} bytes, expected ${bytes}`));
      resolve({ ms: r.ms, mbPerS: bytes / MB / (r.ms / 1000), peakRssMB: r.peakRssMB });
    });
  });
}

async function child(driveUrl: string, cacheDir: string): Promise<void> {
  const t0 = performance.now();
  const r = await fetchModel(MODEL, { cacheDir, driveUrl, force: true });
  const ms = performance.now() - t0;
  const peakRssMB = (process.resourceUsage().maxRSS * 1024) / MB;
  process.stdout.write(JSON.stringify({ ms, peakRssMB, bytes: r.manifest.archive.bytes }));
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
