import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { FileError } from './errors.js';

export async function readText(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code;
    throw new FileError(`${flag} ${file}: cannot read it (${why ?? (error as Error).message})`);
  }
}

/** Writes via a temporary file and rename, so an interrupted run never leaves half a file. */
export async function writeTextAtomic(file: string, text: string, flag: string): Promise<void> {
  try {
    await writeFileAtomic(file, text, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'its folder does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : (error as Error).message;
    throw new FileError(`${flag} ${file}: cannot write it (${why})`);
  }
}

/** Output for scripts: alone on stdout, or atomically to a file. */
export async function emit(text: string, output: string | undefined): Promise<void> {
  if (output === undefined) process.stdout.write(text);
  else await writeTextAtomic(output, text, '-o');
}
