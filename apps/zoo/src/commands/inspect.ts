// `zoo inspect NAME|FILE [--json]`: what a checkpoint holds — keys, dtypes, shapes, parameter
// counts — read without Python. NAME is an installed zoo model (its manifest's checkpoint);
// anything that exists on disk is read as a file. `--json` prints the golden tensors.json layout
// plus the container format.
// For a zoo model (by name, or a HAWQ checkpoint inside its install directory) — or any file with
// `--scheme KEY --arch A` — the checkpoint is also checked against its bit scheme
// (../scheme-check.ts): problems are warnings on stderr, and `--json` adds a `schemeCheck` field.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import {
  CheckpointError,
  describe,
  loadTorchDetailed,
  type PyValue,
  stateDictOf,
} from '@hawq-ts/checkpoint';
import { UnknownBitConfigError } from '@hawq-ts/core/config';
import {
  fileKind,
  findModel,
  MANIFEST_FILE,
  modelDir,
  modelManifest,
  resolveModel,
  type ZooModel,
} from '@hawq-ts/zoo';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { formatBytes, table } from '../format.js';
import {
  bitConfigFor,
  checkScheme,
  type SchemeCheckResult,
  schemeWarnings,
} from '../scheme-check.js';

interface InspectOptions {
  json?: boolean;
  scheme?: string;
  arch?: string;
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('list the tensors (dtype, shape, parameters) and values of a checkpoint')
    .argument('<name|file>', 'zoo model name or path to a .pth/.pth.tar file')
    .option('--json', 'print {file, format, tensors, values} (the golden tensors.json layout)')
    .option(
      '--scheme <key>',
      'check FILE against this bit config (uniform4, bops0.5, …); needs --arch',
    )
    .option('--arch <arch>', 'architecture for --scheme (resnet18, resnet50, …)')
    .action(async (target: string, opts: InspectOptions) => {
      if ((opts.scheme === undefined) !== (opts.arch === undefined)) {
        throw new UsageError('--scheme and --arch go together');
      }
      const { file, model } = await resolveCheckpoint(target);
      const scheme = schemeToCheck(opts, model);
      let loaded: Awaited<ReturnType<typeof loadTorchDetailed>>;
      try {
        loaded = await loadTorchDetailed(file);
      } catch (err) {
        if (!(err instanceof CheckpointError)) throw err;
        process.stderr.write(`zoo: ${err.message}\n`);
        process.exitCode = 1;
        return;
      }
      const { tensors, values } = describe(loaded.value);
      const schemeCheck = scheme && runSchemeCheck(loaded.value, scheme, file);
      if (opts.json) {
        const doc = {
          file: basename(file),
          format: loaded.format,
          tensors,
          values,
          ...(schemeCheck ? { schemeCheck } : {}),
        };
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
        return;
      }
      const rows = Object.entries(tensors).map(([path, t]) => [
        path,
        t.dtype,
        `[${t.shape.join(', ')}]`,
        t.shape.reduce((a, b) => a * b, 1).toLocaleString('en-US'),
      ]);
      const out = [
        `${file} (${loaded.format} format, ${formatBytes((await stat(file)).size)})`,
        '',
      ];
      out.push(table(['tensor', 'dtype', 'shape', 'params'], rows, new Set([3])));
      const total = Object.values(tensors).reduce(
        (a, t) => a + t.shape.reduce((x, y) => x * y, 1),
        0,
      );
      out.push('', `${rows.length} tensors, ${total.toLocaleString('en-US')} parameters`);
      const leaves = Object.entries(values);
      if (leaves.length > 0) {
        out.push(
          '',
          table(
            ['value', ''],
            leaves.map(([k, v]) => [k, JSON.stringify(v)]),
          ),
        );
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });
}

interface Target {
  file: string;
  /** The zoo model the file belongs to: named by the user, or found from an install directory. */
  model?: ZooModel;
}

/** A path that exists is a file; otherwise a zoo model name (throws the zoo's typed errors). */
async function resolveCheckpoint(target: string): Promise<Target> {
  const isFile = await stat(target).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isFile) return { file: target, ...zooModelOfFile(target) };
  const manifest = await modelManifest(target);
  return { file: join(await modelDir(target), manifest.checkpoint), model: resolveModel(target) };
}

/**
 * The zoo model whose install directory (`<cache>/zoo/<name>/`, holding manifest.json) contains
 * this file — only for HAWQ checkpoints: a baseline's PyTorchCV weights have no scheme.
 */
function zooModelOfFile(file: string): { model?: ZooModel } {
  const abs = resolve(file);
  for (let dir = dirname(abs); dir !== dirname(dir); dir = dirname(dir)) {
    if (basename(dirname(dir)) !== 'zoo' || !existsSync(join(dir, MANIFEST_FILE))) continue;
    const model = findModel(basename(dir));
    const kind = fileKind(relative(dir, abs).split(sep).join('/'));
    const hawq = kind === 'hawq-checkpoint' || kind === 'hawq-quantized-checkpoint';
    return model && hawq ? { model } : {};
  }
  return {};
}

/** (arch, scheme) to check against: the flags, else a quantized zoo model's own; or none. */
function schemeToCheck(
  opts: InspectOptions,
  model: ZooModel | undefined,
): { arch: string; scheme: string; fromFlags: boolean } | undefined {
  if (opts.scheme !== undefined && opts.arch !== undefined) {
    return { arch: opts.arch, scheme: opts.scheme, fromFlags: true };
  }
  if (model?.bitConfig) return { arch: model.arch, scheme: model.bitConfig, fromFlags: false };
  return undefined;
}

/** Runs the check and prints its warnings (stderr); returns the result for `--json`. */
function runSchemeCheck(
  value: PyValue,
  target: { arch: string; scheme: string; fromFlags: boolean },
  file: string,
): SchemeCheckResult | { arch: string; scheme: string; ok: false; error: string } {
  const { arch, scheme } = target;
  const skip = (reason: string) => {
    const error = `cannot check ${arch}/${scheme}: ${reason}`;
    process.stderr.write(`zoo: warning: ${error}\n`);
    return { arch, scheme, ok: false as const, error };
  };
  let config: ReturnType<typeof bitConfigFor>;
  try {
    config = bitConfigFor(arch, scheme);
  } catch (err) {
    if (!(err instanceof UnknownBitConfigError)) throw err;
    if (target.fromFlags) throw new UsageError(`--arch/--scheme: ${err.message}`);
    return skip(err.message);
  }
  let result: SchemeCheckResult;
  try {
    result = checkScheme(stateDictOf(value, basename(file)), config);
  } catch (err) {
    if (!(err instanceof CheckpointError)) throw err;
    return skip(err.message);
  }
  const label = `${config.arch}/${config.scheme}`;
  const lines = result.ok
    ? [
        `scheme check: fits ${label} (${result.weightTensors} weight_integer tensors, ${result.actScales} activation scales)`,
      ]
    : schemeWarnings(result, file);
  for (const line of lines) process.stderr.write(`zoo: ${line}\n`);
  return result;
}
