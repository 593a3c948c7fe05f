import { conv2dGradFilter, conv2dGradInput } from '@hawq-ts/core';
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

type Geometry = Parameters<typeof conv2dGradFilter>[2];

/**
 * A Conv2D gradient whose own gradient is explicit, for double backprop.
 *
 * Both parts of a conv's gradient are bilinear: with y = A(W)·x,
 *   dx = A(W)ᵀ·dy   and   dW = ∂_W⟨A(W)x, dy⟩.
 * Their adjoints are again convolutions with the small k×k kernel:
 *   for dx with cotangent c (shape of x):  ∂dy = conv(c, W),       ∂W = dW-formula(c, dy);
 *   for dW with cotangent C (shape of W):  ∂dy = conv(x, C),       ∂x = A(C)ᵀ·dy.
 * Registering them via tf.customGrad matters twice: differentiating core's dW (a conv that uses dy
 * as a huge-spatial filter, with dilation = stride) op by op needs dilated-conv gradients, which
 * core's gradient rejects, and even for stride 1 it produces transposed convs with that huge
 * filter, ~10× slower than these formulas (measured on a narrow ResNet18, WASM). Values are core's
 * fast gradient (conv2dGradInput / conv2dGradFilter); third derivatives are not supported.
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
      const forward = (input: tf.Tensor4D, kernel: tf.Tensor4D) =>
        tf.conv2d(input, kernel, a.strides, a.pad, 'NHWC', 1, a.dimRoundingMode);
      const g = dy as tf.Tensor4D;
      return {
        x: () => inputGrad(g, filter, x.shape, info, forward),
        filter: () => filterGrad(g, x, info, forward),
      };
    },
  });
}

type Forward = (input: tf.Tensor4D, kernel: tf.Tensor4D) => tf.Tensor4D;

function inputGrad(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  xShape: [number, number, number, number],
  info: Geometry,
  forward: Forward,
): tf.Tensor4D {
  const op = tf.customGrad((...args) => {
    const [g, w, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([g, w]);
    return {
      value: conv2dGradInput(g, w, xShape, info),
      gradFunc: (c: tf.Tensor, s: tf.Tensor[]) => {
        const [gs, ws] = s as [tf.Tensor4D, tf.Tensor4D];
        const ct = c as tf.Tensor4D;
        return [forward(ct, ws), conv2dGradFilter(gs, ct, info)];
      },
    };
  });
  return op(dy, filter) as tf.Tensor4D;
}

function filterGrad(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  info: Geometry,
  forward: Forward,
): tf.Tensor4D {
  const op = tf.customGrad((...args) => {
    const [g, input, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([g, input]);
    return {
      value: conv2dGradFilter(g, input, info),
      gradFunc: (c: tf.Tensor, s: tf.Tensor[]) => {
        const [gs, xs] = s as [tf.Tensor4D, tf.Tensor4D];
        const ct = c as tf.Tensor4D;
        return [forward(xs, ct), conv2dGradInput(gs, ct, xs.shape, info)];
      },
    };
  });
  return op(dy, x) as tf.Tensor4D;
}
