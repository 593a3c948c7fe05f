// Decoding with sharp (libvips + mozjpeg), converted to RGB exactly as PIL's `Image.open(p).convert('RGB')`:
// grey is replicated, alpha is dropped without compositing, CMYK uses Pillow's naive formula and EXIF
// orientation is ignored. With the accurate IDCT and fancy upsampling both libjpegs give identical bytes
// (measured in golden/preprocess/sharp_vs_pil.json).
import { readFile } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { ImageDecodeError } from './errors.js';
import { type RgbImage, rgbImage } from './image.js';
import { jpegComponents } from './jpeg-header.js';

/** Decodes an image file (JPEG, PNG, WebP, TIFF, …) to 8-bit RGB like torchvision's default loader. */
export async function decodeImageFile(path: string): Promise<RgbImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ImageDecodeError(path, (err as NodeJS.ErrnoException).code ?? String(err));
  }
  return decodeImage(bytes, path);
}

/** Decodes encoded image bytes; `path` only names the source in errors. */
export async function decodeImage(bytes: Uint8Array, path = '<buffer>'): Promise<RgbImage> {
  try {
    const input = sharp(bytes, { failOn: 'error', limitInputPixels: 0x3fff * 0x3fff });
    const components = jpegComponents(bytes);
    // Only non-JPEG inputs (TIFF can be CMYK too) need sharp's own header read.
    const cmyk =
      components === undefined ? (await input.metadata()).space === 'cmyk' : components === 4;
    if (cmyk) return await decodeCmyk(input);
    const { data, info } = await input
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return toRgb(data, info.width, info.height, info.channels);
  } catch (err) {
    throw new ImageDecodeError(path, err instanceof Error ? err.message : String(err));
  }
}

// libvips would convert CMYK through an ICC profile (up to 95 levels away from PIL); taking the raw
// bands and applying Pillow's formula R = round((255-C)(255-K)/255) reproduces PIL bit for bit.
async function decodeCmyk(input: Sharp): Promise<RgbImage> {
  const { data, info } = await input
    .pipelineColourspace('cmyk')
    .toColourspace('cmyk')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error(`CMYK image decoded to ${info.channels} bands`);
  const out = rgbImage(info.width, info.height);
  const rgb = out.data;
  for (let i = 0, o = 0; o < rgb.length; i += 4, o += 3) {
    const k = 255 - data[i + 3]!;
    rgb[o] = cmykChannel(data[i]!, k);
    rgb[o + 1] = cmykChannel(data[i + 1]!, k);
    rgb[o + 2] = cmykChannel(data[i + 2]!, k);
  }
  return out;
}

// Pillow computes nk - MULDIV255(c, nk), an exact round(); with 255 odd there are no ties, so this
// equals round((255-c)(255-k)/255) computed as MULDIV255(255-c, 255-k) = (t + (t >> 8)) >> 8, t = x + 128.
function cmykChannel(c: number, invK: number): number {
  const x = (255 - c) * invK + 128;
  return (x + (x >> 8)) >> 8;
}

function toRgb(data: Buffer, width: number, height: number, channels: number): RgbImage {
  const px = width * height;
  if (channels === 3)
    return rgbImage(width, height, new Uint8Array(data.buffer, data.byteOffset, px * 3));
  const out = rgbImage(width, height);
  const rgb = out.data;
  if (channels === 1 || channels === 2) {
    for (let i = 0; i < px; i++) {
      const v = data[i * channels]!;
      rgb[i * 3] = v;
      rgb[i * 3 + 1] = v;
      rgb[i * 3 + 2] = v;
    }
  } else if (channels === 4) {
    for (let i = 0; i < px; i++) {
      rgb[i * 3] = data[i * 4]!;
      rgb[i * 3 + 1] = data[i * 4 + 1]!;
      rgb[i * 3 + 2] = data[i * 4 + 2]!;
    }
  } else {
    throw new Error(`unsupported number of bands: ${channels}`);
  }
  return out;
}
