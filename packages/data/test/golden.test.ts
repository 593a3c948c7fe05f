// Bit-exactness against torchvision/PIL on the shared golden images, stage by stage.
import { describe, expect, it } from 'vitest';
import {
  applyTransform,
  centerCropBox,
  compileTransform,
  decodeImageFile,
  evalTransformFor,
  resizedSize,
  resizeShortSide,
} from '../src/index.js';
import { goldenImages, goldenPath, hasGolden, loadArray, maxAbsDiff, sha256 } from './golden.js';

describe.skipIf(!hasGolden)('torchvision golden arrays', () => {
  const images = hasGolden ? goldenImages() : [];
  const val224 = compileTransform(evalTransformFor('resnet18'));
  const val299 = compileTransform(evalTransformFor('inceptionv3'));

  it.each(images.map((g) => [g.image, g] as const))(
    '%s: decode, resize256, crop offsets and val224 are exact',
    async (_, g) => {
      const img = await decodeImageFile(goldenPath(g.image));
      expect([img.height, img.width, 3]).toEqual(g.decoded.shape);
      const storedDecoded = loadArray(g.decoded);
      if (storedDecoded) expect(maxAbsDiff(img.data, storedDecoded)).toBe(0);
      expect(sha256(img.data)).toBe(g.decoded.sha256_uncompressed);

      const resized = resizeShortSide(img, 256);
      expect([resized.height, resized.width, 3]).toEqual(g.resize256.shape);
      const storedResized = loadArray(g.resize256);
      if (storedResized) expect(maxAbsDiff(resized.data, storedResized)).toBe(0);
      expect(sha256(resized.data)).toBe(g.resize256.sha256_uncompressed);

      const size = resizedSize(img.width, img.height, 256);
      const box = centerCropBox(size.width, size.height, 224);
      expect({ top: box.top, left: box.left }).toEqual({
        top: g.center_crop_224.top,
        left: g.center_crop_224.left,
      });

      const tensor = applyTransform(img, val224);
      const stored = loadArray(g.val224)!;
      const ref = new Float32Array(stored.buffer, stored.byteOffset, stored.byteLength / 4);
      expect(maxAbsDiff(tensor, ref)).toBe(0);
      expect(sha256(tensor)).toBe(g.val224.sha256_uncompressed);
    },
  );

  const inception = images.filter((g) => g.inception);
  it.each(inception.map((g) => [g.image, g] as const))(
    '%s: Inception resize342 and val299 are exact',
    async (_, g) => {
      const img = await decodeImageFile(goldenPath(g.image));
      const resized = resizeShortSide(img, 342);
      expect(sha256(resized.data)).toBe(g.inception!.resize342.sha256_uncompressed);
      const tensor = applyTransform(img, val299);
      expect(tensor.length).toBe(3 * 299 * 299);
      expect(sha256(tensor)).toBe(g.inception!.val299.sha256_uncompressed);
    },
  );
});
