// Straight-through estimators on tfjs, with HAWQ's gradients: rounding passes gradients
// unchanged (no clipping mask), quantizers divide the gradient by their scale, and values
// computed outside tfjs (exact requantization) enter the graph with an identity gradient.
import * as tf from '@tensorflow/tfjs';

/** A unary op with a custom gradient: forward `value(x)`, backward `grad(dy)`. */
function unary<T extends tf.Tensor>(
  x: T,
  value: (a: tf.Tensor) => tf.Tensor,
  grad: (dy: tf.Tensor) => tf.Tensor,
): T {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const a = args[0] as tf.Tensor;
    return { value: value(a), gradFunc: (dy: tf.Tensor) => grad(dy) };
  });
  return f(x) as T;
}

/** ste_round: round half to even forward, identity backward. */
export function steRound<T extends tf.Tensor>(x: T): T {
  return unary(
    x,
    (a) => tf.round(a),
    (dy) => dy,
  );
}

/** trunc(x + eps) forward (integer averaging), identity backward. */
export function steTruncEps<T extends tf.Tensor>(x: T, eps: number): T {
  return unary(
    x,
    (a) =>
      tf.tidy(() => {
        const s = tf.add(a, eps);
        return tf.mul(tf.sign(s), tf.floor(tf.abs(s)));
      }),
    (dy) => dy,
  );
}

/**
 * Quantizer with precomputed integers: forward returns `integers` (computed exactly in JS, see
 * quantize.ts), backward returns dy / scale (SymmetricQuantFunction.backward). `scaleShape`
 * broadcasts the scale against x (e.g. [C,1,1,1] for conv weights). The scale stays a plain
 * array until the backward pass, so no tensor outlives the forward's tidy scope.
 */
export function quantizeSTE<T extends tf.Tensor>(
  x: T,
  integers: ArrayLike<number>,
  scale: Float32Array,
  scaleShape: number[],
): T {
  return unary(
    x,
    (a) => tf.tensor(Float32Array.from(integers), a.shape, 'float32'),
    (dy) => tf.div(dy, tf.tensor(scale, scaleShape, 'float32')),
  );
}

/** Inject values computed outside tfjs (same shape as x) with an identity gradient to x. */
export function passThrough<T extends tf.Tensor>(x: T, values: Float32Array): T {
  return unary(
    x,
    (a) => tf.tensor(values, a.shape, 'float32'),
    (dy) => dy,
  );
}

/** NCHW conv through tfjs' NHWC kernels (weight OIHW as PyTorch stores it). */
export function conv2dNCHW(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  stride: [number, number],
  padding: [number, number],
): tf.Tensor4D {
  return tf.tidy(() => {
    const xh = tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
    const wh = tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D;
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [padding[0], padding[0]],
      [padding[1], padding[1]],
      [0, 0],
    ];
    const y = tf.conv2d(xh, wh, stride, padding[0] === 0 && padding[1] === 0 ? 'valid' : pad);
    return tf.transpose(y, [0, 3, 1, 2]) as tf.Tensor4D;
  });
}

/** Broadcast a per-channel vector against NCHW activations. */
export function channelVector(v: ArrayLike<number>): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(v), [1, v.length, 1, 1]);
}
