// Renders the library's progress events: a cli-progress bar (bytes, speed, ETA) on a terminal,
// plain log lines otherwise (CI logs, pipes), nothing with --quiet. Everything goes to stderr.
import type { ZooEvent } from '@hawq-ts/zoo';
import cliProgress from 'cli-progress';
import { formatBytes, formatDuration } from './format.js';

export interface Reporter {
  onEvent(event: ZooEvent): void;
  /** Stops any bar still drawn (on success and on error). */
  close(): void;
}

export function createReporter(opts: { quiet: boolean; tty: boolean }): Reporter {
  if (opts.quiet) return { onEvent: () => undefined, close: () => undefined };
  return opts.tty ? new BarReporter() : new LineReporter();
}

const log = (line: string) => process.stderr.write(`zoo: ${line}\n`);

/** Messages shared by both renderers for the events that are not byte progress. */
function describe(event: ZooEvent): string | undefined {
  switch (event.type) {
    case 'lock-wait':
      return `${event.model}: another process is fetching it, waiting`;
    case 'cached':
      return `${event.model}: already installed in ${event.dir}`;
    case 'restart':
      return `${event.model}: ${event.reason}`;
    case 'retry':
      return `${event.model}: ${event.reason}; retry in ${formatDuration(event.delayMs / 1000)}`;
    case 'installed':
      return `${event.model}: installed in ${event.dir} (${formatBytes(event.bytes)}, sha256 ${event.sha256.slice(0, 12)}…)`;
    default:
      return undefined;
  }
}

class Speed {
  private readonly t0 = Date.now();
  constructor(private readonly b0: number) {}
  /** Bytes per second since the transfer (re)started. */
  rate(bytes: number): number {
    const dt = (Date.now() - this.t0) / 1000;
    return dt > 0 ? (bytes - this.b0) / dt : 0;
  }
}

class BarReporter implements Reporter {
  private bar: cliProgress.SingleBar | undefined;
  private speed = new Speed(0);

  onEvent(event: ZooEvent): void {
    if (event.type === 'start') {
      this.close();
      this.speed = new Speed(event.offset);
      this.bar = new cliProgress.SingleBar(
        {
          format: `${event.model} |{bar}| {percentage}% {done}/{size} {speed} ETA {remaining}`,
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      const size = event.total ?? 0;
      this.bar.start(size, event.offset, this.payload(event.offset, size));
      return;
    }
    if (event.type === 'progress') {
      const total = event.total ?? 0;
      this.bar?.update(event.bytes, this.payload(event.bytes, total));
      return;
    }
    const line = describe(event);
    if (line) {
      this.close();
      log(line);
    }
  }

  close(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  private payload(bytes: number, total: number) {
    const rate = this.speed.rate(bytes);
    return {
      done: formatBytes(bytes),
      size: total > 0 ? formatBytes(total) : '?',
      speed: `${formatBytes(rate)}/s`,
      remaining: total > 0 && rate > 0 ? formatDuration((total - bytes) / rate) : '?',
    };
  }
}

/** One line per quarter of the download, or every 10 s, whichever is sooner. */
class LineReporter implements Reporter {
  private speed = new Speed(0);
  private nextQuarter = 1;
  private lastLine = 0;

  onEvent(event: ZooEvent): void {
    if (event.type === 'request') return;
    if (event.type === 'start') {
      this.speed = new Speed(event.offset);
      this.nextQuarter = 1;
      this.lastLine = Date.now();
      const size = event.total !== undefined ? formatBytes(event.total) : 'unknown size';
      log(
        event.offset > 0
          ? `${event.model}: resuming at ${formatBytes(event.offset)} of ${size}`
          : `${event.model}: downloading ${size}`,
      );
      return;
    }
    if (event.type === 'progress') {
      const quarter = event.total ? Math.floor((4 * event.bytes) / event.total) : 0;
      const due = Date.now() - this.lastLine >= 10_000;
      if ((quarter >= this.nextQuarter && event.bytes !== event.total) || due) {
        this.nextQuarter = quarter + 1;
        this.lastLine = Date.now();
        const pct = event.total ? ` (${Math.floor((100 * event.bytes) / event.total)}%)` : '';
        log(
          `${event.model}: ${formatBytes(event.bytes)}${pct} at ${formatBytes(this.speed.rate(event.bytes))}/s`,
        );
      }
      return;
    }
    const line = describe(event);
    if (line) log(line);
  }

  close(): void {}
}
