import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImageFile, ImageDecodeError } from '../src/index.js';
import { jpegComponents } from '../src/jpeg-header.js';
import { goldenPath, hasGolden } from './golden.js';
import { tempDir } from './helpers.js';

describe.skipIf(!hasGolden)('JPEG frame header', () => {
  it('finds the component count that selects the CMYK path', () => {
    const n = (f: string) => jpegComponents(readFileSync(goldenPath(`images/${f}`)));
    expect([n('a_500x375.jpg'), n('h_gray_320x240.jpg'), n('i_cmyk_300x200.jpg')]).toEqual([
      3, 1, 4,
    ]);
    expect(n('j_rgba_200x150.png')).toBeUndefined();
    expect(jpegComponents(new Uint8Array([0xff, 0xd8, 0xff]))).toBeUndefined();
  });
});

describe('decoding errors', () => {
  it('names unreadable, truncated and missing files', async () => {
    const dir = await tempDir();
    const junk = join(dir, 'junk.jpg');
    await writeFile(junk, 'definitely not an image');
    await expect(decodeImageFile(junk)).rejects.toThrow(ImageDecodeError);
    await expect(decodeImageFile(junk)).rejects.toThrow(junk);
    await expect(decodeImageFile(join(dir, 'missing.jpg'))).rejects.toThrow(/ENOENT/);
    if (hasGolden) {
      const cut = join(dir, 'cut.jpg');
      const bytes = readFileSync(goldenPath('images/a_500x375.jpg'));
      await writeFile(cut, bytes.subarray(0, bytes.length / 2));
      await expect(decodeImageFile(cut)).rejects.toThrow(ImageDecodeError);
    }
  });
});
