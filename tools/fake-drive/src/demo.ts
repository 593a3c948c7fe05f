// `--make-demo DIR`: a small, valid `<name>.tar.gz` for each of the 27 zoo models, laid out like
// a real archive (`<name>/checkpoint.pth.tar`; resnet18_uniform8 also has
// `quantized_checkpoint.pth.tar`, as issue #13 of the original reports).
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  archiveNameFor,
  type PyDict,
  type PyValue,
  saveTorchBuffer,
  Tensor,
} from '@hawq-ts/checkpoint';
import { archiveName, ZOO_MODELS, type ZooModel } from '@hawq-ts/zoo';
import { makeTarGz, type TarEntry } from './archive.js';

/**
 * A real but tiny PyTorch checkpoint (torch.save zip format, via @hawq-ts/checkpoint) in the shape
 * quant_train.py saves — `{epoch, arch, best_acc1, state_dict}` — with one 2×2 demo tensor
 * instead of weights. Loadable by torch.load and by `loadTorch`; not a usable model.
 */
export function demoCheckpoint(model: ZooModel, file: string): Uint8Array {
  const weight = Tensor.fromFloat32([2, 2], new Float32Array([1, 2, 3, 4]));
  const value: PyDict = new Map<string, PyValue>([
    ['epoch', 0],
    ['arch', model.arch],
    ['best_acc1', model.top1],
    ['state_dict', new Map<string, PyValue>([['demo.weight', weight]])],
  ]);
  return saveTorchBuffer(value, archiveNameFor(file));
}

export async function makeDemoArchives(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const model of ZOO_MODELS) {
    const entries: TarEntry[] = [
      { name: `${model.name}/`, type: 'directory' },
      {
        name: `${model.name}/checkpoint.pth.tar`,
        content: demoCheckpoint(model, 'checkpoint.pth.tar'),
      },
    ];
    if (model.name === 'resnet18_uniform8') {
      entries.push({
        name: `${model.name}/quantized_checkpoint.pth.tar`,
        content: demoCheckpoint(model, 'quantized_checkpoint.pth.tar'),
      });
    }
    const file = join(dir, archiveName(model));
    await writeFile(`${file}.tmp`, await makeTarGz(entries));
    await rename(`${file}.tmp`, file);
    written.push(file);
  }
  return written;
}
