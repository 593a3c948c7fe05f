// `--resume NAME`: a HAWQ zoo model name (any spelling `pnpm zoo` accepts, e.g. resnet50_bops0.5)
// instead of a path resolves to the installed checkpoint; its arch and scheme become the defaults
// of -a and --quant-scheme.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findModel, modelDir, modelManifest } from '@hawq-ts/zoo';
import type { Command } from 'commander';
import type { QuantTrainArgs } from './options.js';

export interface ZooResume {
  name: string;
  checkpoint: string;
}

export async function resolveZooResume(
  a: QuantTrainArgs,
  program: Command,
): Promise<ZooResume | undefined> {
  if (!a.resume || existsSync(a.resume)) return undefined;
  const model = findModel(a.resume);
  if (!model) return undefined;
  // throws NotInstalledError (with the `pnpm zoo fetch` hint) when it is not in the cache
  const dir = await modelDir(model.name);
  const manifest = await modelManifest(model.name);
  const checkpoint = join(dir, manifest.checkpoint);
  a.resume = checkpoint;
  if (program.getOptionValueSource('arch') === 'default') a.arch = model.arch;
  if (program.getOptionValueSource('quantScheme') === 'default' && model.bitConfig) {
    a.quantScheme = model.bitConfig;
  }
  return { name: model.name, checkpoint };
}
