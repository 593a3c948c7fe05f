// int4 packing, two values per byte. Nibble order: element 2i in the LOW nibble (bits 0–3) and
// element 2i+1 in the HIGH nibble (bits 4–7), each as 4-bit two's complement; an odd trailing
// element leaves the high nibble 0. Elements are in C order of the [Cout, Cin, kh, kw] weight.

export function packInt4(values: Int8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < -8 || v > 7) throw new RangeError(`packInt4: value ${v} at ${i} is outside [-8, 7]`);
    out[i >> 1] = (out[i >> 1] as number) | ((v & 0xf) << ((i & 1) * 4));
  }
  return out;
}

export function unpackInt4(packed: Uint8Array, length: number): Int8Array {
  if (packed.length !== Math.ceil(length / 2))
    throw new RangeError(`unpackInt4: ${packed.length} bytes cannot hold exactly ${length} values`);
  const out = new Int8Array(length);
  for (let i = 0; i < length; i++) {
    const nib = ((packed[i >> 1] as number) >> ((i & 1) * 4)) & 0xf;
    out[i] = (nib ^ 8) - 8;
  }
  return out;
}
