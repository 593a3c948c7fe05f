// `--serve DIR`: every `DIR/<zoo-name>.tar.gz` under its model's real Drive file id.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { findModel } from '@hawq-ts/zoo';
import type { ScenarioName } from './scenarios.js';
import type { FakeFile } from './server.js';

export async function filesFromDir(
  dir: string,
  scenario: ScenarioName,
): Promise<Map<string, FakeFile>> {
  const files = new Map<string, FakeFile>();
  for (const name of (await readdir(dir)).sort()) {
    if (!name.endsWith('.tar.gz')) continue;
    const model = findModel(name);
    if (!model || `${model.name}.tar.gz` !== name) continue;
    files.set(model.fileId, { path: join(dir, name), name, scenario });
  }
  return files;
}
