// `zoo inspect NAME|FILE [--json]`: what a checkpoint holds — keys, dtypes, shapes, parameter
// counts — read without Python. NAME is an installed zoo model (its manifest's checkpoint);
// anything that exists on disk is read as a file. `--json` prints the golden tensors.json layout
// plus the container format.
// Not here yet: checking that a zoo checkpoint fits its scheme's bit widths (needs core's bit
// configs).
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CheckpointError, describe, loadTorchDetailed } from '@hawq-ts/checkpoint';
import { modelDir, modelManifest } from '@hawq-ts/zoo';
import type { Command } from 'commander';
import { formatBytes, table } from '../format.js';

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('list the tensors (dtype, shape, parameters) and values of a checkpoint')
    .argument('<name|file>', 'zoo model name or path to a .pth/.pth.tar file')
    .option('--json', 'print {file, format, tensors, values} (the golden tensors.json layout)')
    .action(async (target: string, opts: { json?: boolean }) => {
      const file = await resolveCheckpoint(target);
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
      if (opts.json) {
        const doc = { file: basename(file), format: loaded.format, tensors, values };
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

/** A path that exists is a file; otherwise a zoo model name (throws the zoo's typed errors). */
async function resolveCheckpoint(target: string): Promise<string> {
  const isFile = await stat(target).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isFile) return target;
  const manifest = await modelManifest(target);
  return join(await modelDir(target), manifest.checkpoint);
}
