// Cross-check of the resampler against Pillow itself on random sizes, up and down, when Debian's
// python3-pil is installed (the golden arrays cover the fixed cases without it).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImageFile, Rng, resizeBilinear, rgbImage } from '../src/index.js';
import { tempDir } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const hasPil = spawnSync(PYTHON, ['-c', 'import PIL'], { stdio: 'ignore' }).status === 0;

const SCRIPT = `
import json, sys
from PIL import Image
cases = json.load(open(sys.argv[1]))
for c in cases:
    raw = open(c['in'], 'rb').read()
    im = Image.frombytes('RGB', (c['w'], c['h']), raw)
    open(c['out'], 'wb').write(im.resize((c['ow'], c['oh']), Image.BILINEAR).tobytes())
`;

describe.skipIf(!hasPil)('resizeBilinear vs Pillow', () => {
  it('is byte-identical on 24 random size pairs', async () => {
    const dir = await tempDir();
    const rng = new Rng(2024);
    const cases = Array.from({ length: 24 }, (_, i) => {
      const w = rng.int(1, 120);
      const h = rng.int(1, 120);
      const img = rgbImage(w, h);
      for (let k = 0; k < img.data.length; k++) img.data[k] = rng.int(0, 256);
      writeFileSync(join(dir, `${i}.in`), img.data);
      return {
        img,
        in: join(dir, `${i}.in`),
        out: join(dir, `${i}.out`),
        w,
        h,
        ow: rng.int(1, 160),
        oh: rng.int(1, 160),
      };
    });
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(cases.map(({ img: _, ...c }) => c)));
    execFileSync(PYTHON, ['-c', SCRIPT, join(dir, 'cases.json')]);
    for (const c of cases) {
      const ours = resizeBilinear(c.img, c.ow, c.oh).data;
      expect({
        size: `${c.w}x${c.h}->${c.ow}x${c.oh}`,
        same: Buffer.compare(ours, readFileSync(c.out)) === 0,
      }).toEqual({
        size: `${c.w}x${c.h}->${c.ow}x${c.oh}`,
        same: true,
      });
    }
  });
});

const DECODE_SCRIPT = `
import sys
import numpy as np
from PIL import Image
d = sys.argv[1]
rng = np.random.default_rng(0)
h, w = 187, 251
y, x = np.mgrid[0:h, 0:w]
a = np.stack([x * 255 / w, y * 255 / h, 128 + 60 * np.sin(x / 7.0) * np.cos(y / 5.0)], -1)
a = np.clip(a + rng.normal(0, 6, (h, w, 3)), 0, 255).astype(np.uint8)
im = Image.fromarray(a)
files = {
    'prog420.jpg': lambda p: im.save(p, quality=90, progressive=True),
    's444.jpg': lambda p: im.save(p, quality=90, subsampling=0),
    's422.jpg': lambda p: im.save(p, quality=90, subsampling=1),
    'prog444.jpg': lambda p: im.save(p, quality=95, progressive=True, subsampling=0),
    'optimized.jpg': lambda p: im.save(p, quality=75, optimize=True),
    'grey_prog.jpg': lambda p: im.convert('L').save(p, quality=90, progressive=True),
    'palette.png': lambda p: im.convert('P', palette=Image.ADAPTIVE, colors=64).save(p),
    'la.png': lambda p: im.convert('LA').save(p),
    'lossless.webp': lambda p: im.save(p, lossless=True),
    'plain.tif': lambda p: im.save(p),
}
for name, save in files.items():
    save(d + '/' + name)
    open(d + '/' + name + '.rgb', 'wb').write(np.asarray(Image.open(d + '/' + name).convert('RGB')).tobytes())
print(' '.join(files))
`;

describe.skipIf(!hasPil)('decodeImageFile vs Pillow', () => {
  it('gives the same RGB bytes for other JPEG flavours, PNG modes, WebP and TIFF', async () => {
    const dir = await tempDir();
    const names = execFileSync(PYTHON, ['-c', DECODE_SCRIPT, dir], { encoding: 'utf8' })
      .trim()
      .split(' ');
    expect(names).toHaveLength(10);
    for (const name of names) {
      const img = await decodeImageFile(join(dir, name));
      const same = Buffer.compare(img.data, readFileSync(join(dir, `${name}.rgb`))) === 0;
      expect({ name, same }).toEqual({ name, same: true });
    }
  });
});
