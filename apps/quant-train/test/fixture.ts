// A tiny ImageNet-layout folder (3 classes of random 40x40 PNGs), a tiny PyTorchCV ResNet18
// (stem 4, widths 4) and a narrowed PyTorchCV InceptionV3 (widths / 16) saved as float .pth files,
// so the CLI runs end to end in seconds.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { saveTorch } from '@hawq-ts/checkpoint';
import { createResNet, inceptionSpec, randomInceptionFloatStateDict } from '@hawq-ts/models';
import sharp from 'sharp';

export const CLASSES = ['n01', 'n02', 'n03'];

export async function makeImageFolder(root: string, perClass: { train: number; val: number }) {
  let seed = 1;
  for (const split of ['train', 'val'] as const) {
    for (const [c, name] of CLASSES.entries()) {
      const dir = join(root, split, name);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < perClass[split]; i++) {
        const px = Buffer.alloc(40 * 40 * 3);
        for (let j = 0; j < px.length; j++) {
          seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
          // class-dependent colour so the classes are learnable
          px[j] = (((seed >>> 24) & 0x7f) + (j % 3 === c ? 128 : 0)) & 0xff;
        }
        await sharp(px, { raw: { width: 40, height: 40, channels: 3 } })
          .png()
          .toFile(join(dir, `img${i}.png`));
      }
    }
  }
}

export async function makeTinyModel(file: string) {
  const m = createResNet({
    arch: 'resnet18',
    bottleneck: false,
    layers: [2, 2, 2, 2],
    widths: [4, 4, 4, 4],
    initChannels: 4,
    conv1Stride: true,
    numClasses: CLASSES.length,
  });
  await saveTorch(file, m.stateDict());
  m.dispose();
}

/** InceptionV3's topology with every width / 16 and random weights, as a PyTorchCV state_dict. */
export async function makeTinyInception(file: string) {
  const spec = inceptionSpec({ divisor: 16, numClasses: CLASSES.length });
  await saveTorch(file, randomInceptionFloatStateDict(spec, 2));
}
