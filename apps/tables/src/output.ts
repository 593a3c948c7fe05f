import { relative } from 'node:path';
import { writeFileAtomic } from '@hawq-ts/report';

/** Writes to `file` atomically, or to stdout (the only thing on stdout) when no file is given. */
export async function emit(text: string, file: string | undefined): Promise<void> {
  if (file === undefined || file === '-') {
    process.stdout.write(text);
    return;
  }
  await writeFileAtomic(file, text);
  process.stderr.write(`tables: wrote ${file}\n`);
}

/** Paths in notes: relative to the working folder when inside it, else absolute. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** The command line as the user typed it, for the `command` field of results files. */
export function commandLine(argv: readonly string[] = process.argv.slice(2)): string {
  const quote = (a: string) => (/^[\w./:=@,+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['pnpm tables', ...argv.map(quote)].join(' ');
}
