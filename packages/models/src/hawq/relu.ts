import type { Values } from '@hawq-ts/core';

/** nn.ReLU on float32 values (a fresh array; HAWQ's traces see the pre-ReLU values). */
export function reluValues(x: Values): Values {
  const data = new Float32Array(x.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = x.data[i]!;
    data[i] = Math.max(v, 0);
  }
  return { shape: [...x.shape], data };
}

export function addValues(a: Values, b: Values): Values {
  const data = new Float32Array(a.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.fround(a.data[i]! + b.data[i]!);
  return { shape: [...a.shape], data };
}
