/** An 8-bit RGB image in HWC order (row-major, 3 bytes per pixel), like `np.asarray(pil_rgb_image)`. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export function rgbImage(width: number, height: number, data?: Uint8Array): RgbImage {
  const size = width * height * 3;
  if (data && data.length !== size) {
    throw new RangeError(
      `RGB buffer has ${data.length} bytes, expected ${width}x${height}x3 = ${size}`,
    );
  }
  return { width, height, data: data ?? new Uint8Array(size) };
}
