export { conv2dGradFilter, conv2dGradInput, registerFastConv2dGradient } from './conv2d-grad.js';
