import { registerFastConv2dGradient } from '@hawq-ts/core';
import * as tf from '@tensorflow/tfjs';
import { registerDoubleBackpropConv2dGradient } from './conv2d-second-order.js';

let registered = false;

interface AvgPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Makes ResNet losses twice differentiable in tfjs 4.22, which double backprop (Hessian-vector
 * products) needs. Two gaps were found by differentiating a gradient (README, "Why double backprop"):
 * - Conv2D: the stock gradient uses Conv2DBackpropFilter, which has no gradient itself (and no WASM
 *   kernel); core's fast gradient is differentiable only for stride 1 (its dW of a strided conv is a
 *   dilated conv). Replaced by registerDoubleBackpropConv2dGradient (stride-1 convs only). It
 *   overrides core's registration, which is therefore made first (its flag keeps it from coming back).
 * - AvgPoolGrad (the gradient of the final AvgPool2d) has no gradient. It is linear in dy with
 *   adjoint avgPool (same window, stride, padding) and does not depend on the pooled input's values.
 * - Exp: tfjs saves the op's output for the gradient (dy·y) and double backprop then treats y as a
 *   constant: the second derivative of exp silently comes out as 0 (measured: the Hessian of
 *   log-sum-exp loses its diagonal term and turns negative). The gradient is re-registered as
 *   dy·exp(x) from the saved input, which is traced. Exp is the only output-saving op on the path
 *   from a body conv weight to the cross-entropy loss (the others are Elu, LRN, LogSoftmax, Max/Min,
 *   MaxPool, Pow, Sigmoid, Softmax, Tanh: crossEntropy avoids them).
 * MaxPoolGrad stays without a gradient: the stem max pool lies before every body conv, so the
 * gradient of a body conv weight never passes through it (only the stem conv's would).
 * Registration is global and idempotent; first-order gradients are unchanged.
 */
export function registerSecondOrderGradients(): void {
  if (registered) return;
  registered = true;
  registerFastConv2dGradient();
  registerDoubleBackpropConv2dGradient();
  tf.registerGradient({
    kernelName: 'Exp',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const x = saved[0]!;
      return { x: () => tf.mul(dy as tf.Tensor, tf.exp(x)) };
    },
  });
  tf.registerGradient({
    kernelName: 'AvgPoolGrad',
    inputsToSave: ['input'],
    gradFunc: (ddx, saved, attrs) => {
      const a = attrs as unknown as AvgPoolGradAttrs;
      const input = saved[0]!;
      return {
        dy: () =>
          tf.avgPool(
            ddx as tf.Tensor4D,
            a.filterSize,
            a.strides,
            a.pad as 'valid' | 'same' | number,
            a.dimRoundingMode,
          ),
        input: () => tf.zerosLike(input),
      };
    },
  });
}
