// QuantAveragePool2d (integer average: round, float average, trunc(x + 0.01)), QuantMaxPool2d
// and QuantDropout (scale passes through).
import { QuantError } from './errors.js';
import { f32, roundHalfEven } from './float32.js';
import { convOutputSize, maxPool2d } from './int-conv.js';
import type { Tracer } from './trace.js';
import { checkValues, type Values } from './values.js';

/** HAWQ's eps: avoids 1.999... truncating to 1; needs (k*k - 1)/(k*k) + eps < 1. */
export const INT_AVERAGING_EPS = 0.01;

export class QuantAveragePool2d {
  readonly kind = 'QuantAveragePool2d';
  constructor(
    readonly name: string,
    readonly kernelSize = 7,
    readonly stride = 1,
    readonly padding = 0,
  ) {}

  forwardExact(
    x: Values,
    scale: number,
    tracer?: Tracer,
  ): { value: Values; scale: number; outInt: Float64Array } {
    checkValues(x, this.name);
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const k = this.kernelSize;
    const ho = convOutputSize(h, k, this.stride, this.padding);
    const wo = convOutputSize(w, k, this.stride, this.padding);
    if (ho <= 0 || wo <= 0) {
      throw new QuantError(`${this.name}: ${h}x${w} input is smaller than the ${k}x${k} pool`);
    }
    const s = f32(scale);
    const eps = f32(INT_AVERAGING_EPS);
    const outInt = new Float64Array(n * c * ho * wo);
    for (let p = 0; p < n * c; p++) {
      for (let oy = 0; oy < ho; oy++) {
        for (let ox = 0; ox < wo; ox++) {
          let sum = 0;
          for (let ky = 0; ky < k; ky++) {
            const iy = oy * this.stride - this.padding + ky;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < k; kx++) {
              const ix = ox * this.stride - this.padding + kx;
              if (ix < 0 || ix >= w) continue;
              sum += roundHalfEven(f32(x.data[(p * h + iy) * w + ix]! / s));
            }
          }
          // PyTorch's avg_pool2d divides by the full kernel area (count_include_pad=True)
          const avg = f32(f32(sum) / (k * k));
          outInt[(p * ho + oy) * wo + ox] = Math.trunc(f32(avg + eps));
        }
      }
    }
    const shape = [n, c, ho, wo];
    tracer?.pool?.({ module: this.name, scale: s, shape, outInt });
    const value = Float32Array.from(outInt, (v) => f32(v * s));
    return { value: { shape, data: value }, scale: s, outInt };
  }
}

export class QuantMaxPool2d {
  readonly kind = 'QuantMaxPool2d';
  constructor(
    readonly name: string,
    readonly kernelSize = 3,
    readonly stride = 2,
    readonly padding = 0,
  ) {}

  forwardExact(x: Values): Values {
    checkValues(x, this.name);
    return maxPool2d(x.data, x.shape, this.kernelSize, this.stride, this.padding);
  }
}

/** Dropout is the identity at inference; the tfjs path applies it while training. */
export class QuantDropout {
  readonly kind = 'QuantDropout';
  constructor(
    readonly name: string,
    readonly p = 0,
  ) {
    if (!(p >= 0 && p < 1)) throw new QuantError(`${name}: dropout p=${p} is not in [0, 1)`);
  }

  forwardExact(x: Values): Values {
    return x;
  }
}
