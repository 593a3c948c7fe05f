// quant_train.py logs to the console and to <save-path>/log.log; so do we (stderr, appended file).
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Logger = (line: string) => void;

export function createLogger(savePath: string, quiet = false): Logger {
  mkdirSync(savePath, { recursive: true });
  const file = join(savePath, 'log.log');
  return (line: string) => {
    const stamped = `${new Date().toISOString()} ${line}`;
    appendFileSync(file, `${stamped}\n`);
    if (!quiet) process.stderr.write(`${line}\n`);
  };
}
