// Progress bars on stderr (stdout stays free for --json output). cli-progress does the terminal
// handling; when stderr is not a TTY it prints nothing but the final summary line we log ourselves.
import cliProgress from 'cli-progress';

export interface ProgressBar {
  update(done: number, fields: Record<string, string>): void;
  stop(): void;
}

export interface ProgressOptions {
  /** label in front of the bar, e.g. 'eval' or 'epoch 3' */
  label: string;
  total: number;
  /** field names shown after the counter, in order */
  fields: readonly string[];
  enabled?: boolean;
}

export function createProgressBar(o: ProgressOptions): ProgressBar {
  if (o.enabled === false || !process.stderr.isTTY) return { update() {}, stop() {} };
  const fmt = `${o.label} [{bar}] {value}/{total} ${o.fields.map((f) => `${f} {${f}}`).join(' ')}`;
  const bar = new cliProgress.SingleBar(
    { format: fmt, stream: process.stderr, hideCursor: true, clearOnComplete: false, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(o.total, 0, Object.fromEntries(o.fields.map((f) => [f, '-'])));
  return {
    update: (done, fields) => bar.update(done, fields),
    stop: () => bar.stop(),
  };
}
