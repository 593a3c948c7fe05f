// What every benchmark records about the machine it ran on, and number formatting for results.
import { cpus, loadavg, totalmem } from 'node:os';

export function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

/** CPU, cores, memory and Node version; the 1/5/15-minute load averages now (other jobs on a
 *  shared machine lower every figure of a run alike, so results say how busy it was). */
export function machineInfo(): {
  cpu: string | undefined;
  cores: number;
  memoryGB: number;
  node: string;
  loadAverageNow: number[];
} {
  return {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    loadAverageNow: loadavg().map((x) => round(x, 2)),
  };
}
