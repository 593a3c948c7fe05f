// `pnpm zoo export NAME|CHECKPOINT --format onnx|packed [--mode exact|fast] [-o FILE]`:
// integer ONNX (bit-exact `exact` or int8 `fast`), float ONNX for PyTorchCV float state_dicts, or
// packed integer weights (safetensors). The output path alone goes to stdout; logs go to stderr.
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CheckpointError } from '@hawq-ts/checkpoint';
import { modelDir } from '@hawq-ts/zoo';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';

// @hawq-ts/deploy pulls in onnxruntime-node and tfjs (~0.7 s): load it only when exporting, so
// every other `pnpm zoo` command starts fast.
const loadDeploy = () => import('@hawq-ts/deploy');

interface ExportFlags {
  format: string;
  mode: string;
  output?: string;
  opset: string;
  arch?: string;
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** A checkpoint path, or the checkpoint inside an installed zoo model's directory. */
async function resolveCheckpoint(target: string): Promise<string> {
  const { DeployError } = await loadDeploy();
  if (await isFile(target)) return target;
  const dir = await modelDir(target);
  const files = (await readdir(dir, { recursive: true }))
    .map(String)
    .filter((f) => /\.pth(\.tar)?$/.test(f));
  const best =
    files.find((f) => basename(f) === 'quantized_checkpoint.pth.tar') ??
    files.find((f) => f.includes('checkpoint')) ??
    files[0];
  if (!best)
    throw new DeployError(
      `${dir}: installed model '${target}' has no .pth/.pth.tar checkpoint to export`,
    );
  return join(dir, best);
}

export async function runExport(target: string, flags: ExportFlags): Promise<string> {
  if (!['onnx', 'packed'].includes(flags.format))
    throw new UsageError(`--format ${flags.format}: use onnx or packed`);
  if (!['exact', 'fast', 'int8'].includes(flags.mode))
    throw new UsageError(`--mode ${flags.mode}: use exact, fast or int8`);
  const opset = Number(flags.opset);
  if (opset !== 13 && opset !== 21) throw new UsageError(`--opset ${flags.opset}: use 13 or 21`);
  const {
    DeployError,
    exportFloatOnnx,
    exportIntegerOnnx,
    integerModelFromHawq,
    loadStateDict,
    packIntegerModel,
    writeFileAtomic,
  } = await loadDeploy();
  const file = await resolveCheckpoint(target);
  const { stateDict, arch: storedArch } = await loadStateDict(file);
  const arch = flags.arch ?? storedArch;
  const isFloat = [...stateDict.keys()].some((k) => k.startsWith('features.'));
  const stem = basename(file).replace(/\.pth(\.tar)?$/, '');
  let bytes: Uint8Array;
  let out: string;
  if (isFloat) {
    if (flags.format === 'packed')
      throw new DeployError(
        `${file}: a float state_dict has no integer weights to pack; export a HAWQ checkpoint`,
      );
    bytes = exportFloatOnnx(stateDict, { source: file, opset, ...(arch ? { arch } : {}) });
    out = flags.output ?? `${stem}.float.onnx`;
  } else {
    const model = integerModelFromHawq(stateDict, { source: file, ...(arch ? { arch } : {}) });
    bytes =
      flags.format === 'packed'
        ? packIntegerModel(model)
        : exportIntegerOnnx(model, { engine: flags.mode as 'exact' | 'fast' | 'int8', opset });
    out =
      flags.output ??
      (flags.format === 'packed' ? `${stem}.int.safetensors` : `${stem}.${flags.mode}.onnx`);
  }
  await writeFileAtomic(out, bytes);
  process.stderr.write(`exported ${file} → ${out} (${(bytes.length / 2 ** 20).toFixed(2)} MiB)\n`);
  return out;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      'export a model (zoo name or checkpoint file) as integer/float ONNX or packed integer weights',
    )
    .argument('<model>', 'zoo model name or path to a .pth/.pth.tar checkpoint')
    .option('--format <format>', 'onnx | packed', 'onnx')
    .option(
      '--mode <mode>',
      'integer engine: exact (bit-exact with HAWQ) | fast (QLinearConv where HAWQ is 8-bit) | int8 (all int8: fastest, approximate)',
      'exact',
    )
    .option(
      '-o, --output <file>',
      'output file (default: next to the working directory, named after the checkpoint)',
    )
    .option('--opset <n>', 'ONNX opset: 13 | 21', '13')
    .option('--arch <arch>', 'architecture override, e.g. resnet50b (stride in the 3×3 conv)')
    .action(async (model: string, flags: ExportFlags) => {
      try {
        process.stdout.write(`${await runExport(model, flags)}\n`);
      } catch (err) {
        const { DeployError } = await loadDeploy();
        if (err instanceof DeployError || err instanceof CheckpointError) {
          process.stderr.write(`zoo: ${err.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw err;
      }
    });
}
