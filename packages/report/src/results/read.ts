import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ResultsFileError } from '../errors.js';
import { parseResultsJson, type ResultsFile } from './schema.js';

export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ResultsFileError(`${file}: cannot read (${code ?? (err as Error).message})`);
  }
}

export async function readResultsFile(file: string): Promise<ResultsFile> {
  return parseResultsJson(await readText(file), file);
}

/** Writes text atomically (temp file + rename): an interrupted run never leaves half a file. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  await writeFile(tmp, text);
  await rename(tmp, file);
}
