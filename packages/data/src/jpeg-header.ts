// Reads the number of colour components from a JPEG's frame header (SOFn). Four components means
// CMYK/YCCK, which needs the CMYK path in decode.ts; asking sharp for metadata() instead would parse
// the file a second time for every ImageNet JPEG (~10% of the decode time) to find the rare CMYK one.

/** Components of a JPEG (1 grey, 3 colour, 4 CMYK), or undefined if `bytes` is not a parsable JPEG. */
export function jpegComponents(bytes: Uint8Array): number | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let p = 2;
  while (p + 4 <= bytes.length) {
    if (bytes[p] !== 0xff) return undefined;
    const marker = bytes[p + 1]!;
    // Fill bytes (0xFF 0xFF) may pad between segments.
    if (marker === 0xff) {
      p++;
      continue;
    }
    const length = (bytes[p + 2]! << 8) | bytes[p + 3]!;
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): length, precision, height, width, Nf.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return p + 9 < bytes.length ? bytes[p + 9] : undefined;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan data before any frame header
    p += 2 + length;
  }
  return undefined;
}
