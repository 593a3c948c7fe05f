import { conv2dGradInput } from '@hawq-ts/core';
import * as tf from '@tensorflow/tfjs';

type Pad =
  | 'same'
  | 'valid'
  | number
  | [[number, number], [number, number], [number, number], [number, number]];

interface Conv2DAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * A Conv2D gradient that is itself differentiable for every stride, for double backprop.
 * core's fast gradient computes dW of a strided conv as a conv with dilation = stride; its own
 * gradient would need dilated convs, which that gradient (and tfjs's Conv2DBackpropFilter path)
 * cannot differentiate. Here dW correlates the input with the zero-inserted dy at dilation 1,
 * which costs stride² more multiplies on the few strided layers but uses only stride-1 convs,
 * pads, reshapes and slices. dx is core's conv2dGradInput (already dilation-free).
 */
export function registerDoubleBackpropConv2dGradient(): void {
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as Conv2DAttrs;
      const dilations = typeof a.dilations === 'number' ? [a.dilations, a.dilations] : a.dilations;
      if (a.dataFormat !== 'NHWC' || dilations[0] !== 1 || dilations[1] !== 1) {
        throw new Error(
          `registerSecondOrderGradients: only NHWC convolutions with dilation 1 are supported (got ${a.dataFormat}, dilation ${dilations.join('x')})`,
        );
      }
      const info = tf.backend_util.computeConv2DInfo(
        x.shape,
        filter.shape,
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
      );
      const g = dy as tf.Tensor4D;
      return {
        x: () => conv2dGradInput(g, filter, x.shape, info),
        filter: () => gradFilter(g, x, info),
      };
    },
  });
}

interface Geometry {
  strideHeight: number;
  strideWidth: number;
  filterHeight: number;
  filterWidth: number;
  outHeight: number;
  outWidth: number;
  padInfo: { top: number; left: number };
}

/** dW[kh,kw,ci,co] = Σ_{n,oh,ow} xpad[n, oh·s+kh, ow·s+kw, ci] · dy[n,oh,ow,co], dilation-free. */
function gradFilter(dy: tf.Tensor4D, x: tf.Tensor4D, info: Geometry): tf.Tensor4D {
  return tf.tidy(() => {
    const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
    const z = zeroInsert(dy, sh, sw); // [N, (Ho−1)·sh+1, (Wo−1)·sw+1, Co]
    const needH = z.shape[1] + kh - 1;
    const needW = z.shape[2] + kw - 1;
    const xp = padOrCrop(x, info.padInfo.top, needH, info.padInfo.left, needW);
    const xT = tf.transpose(xp, [3, 1, 2, 0]); // [Ci, H, W, N]
    const zT = tf.transpose(z, [1, 2, 0, 3]); // an HWIO filter [Hz, Wz, N, Co]
    const out = tf.conv2d(xT, zT, 1, 'valid'); // [Ci, kh, kw, Co]
    return tf.transpose(out, [1, 2, 0, 3]);
  });
}

/** Inserts stride−1 zeros between the rows and columns of an NHWC tensor. */
function zeroInsert(t: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return t;
  const [n, h, w, c] = t.shape;
  const spread = tf
    .reshape(t, [n, h, 1, w, 1, c])
    .pad([
      [0, 0],
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ])
    .reshape([n, h * sh, w * sw, c]) as tf.Tensor4D;
  return tf.slice(spread, [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/** Shifts an NHWC tensor down/right by top/left (negative = crop), then pads or crops to size. */
function padOrCrop(
  t: tf.Tensor4D,
  top: number,
  height: number,
  left: number,
  width: number,
): tf.Tensor4D {
  const [, h, w] = t.shape;
  const cropTop = Math.max(0, -top);
  const cropLeft = Math.max(0, -left);
  let r = t;
  if (cropTop || cropLeft) {
    r = tf.slice(r, [0, cropTop, cropLeft, 0], [-1, h - cropTop, w - cropLeft, -1]);
  }
  const padTop = Math.max(0, top);
  const padLeft = Math.max(0, left);
  const [, rh, rw] = r.shape;
  const bottom = height - padTop - rh;
  const right = width - padLeft - rw;
  r = tf.pad(r, [
    [0, 0],
    [padTop, Math.max(0, bottom)],
    [padLeft, Math.max(0, right)],
    [0, 0],
  ]);
  if (bottom < 0 || right < 0) r = tf.slice(r, [0, 0, 0, 0], [-1, height, width, -1]);
  return r as tf.Tensor4D;
}
