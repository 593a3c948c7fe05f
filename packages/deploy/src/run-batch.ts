// Images per session.run that give each engine its best throughput on a CPU (OrtRunner splits a
// larger batch into chunks of this size; results are identical). Measured with ORT 1.30 on the
// 2-vCPU Xeon, 224², 1 intra-op thread, process CPU ms per image:
// - exact, ResNet18, batch 1/2/4/8/32 in one run: 19.9/20.9/24.5/28.7/36.1; batch 8 run as chunks
//   of 8/2/1: 27.2/23.1/19.9 (ResNet50: 117/89/80). Its float64 requant chains and im2col bytes
//   fall out of the 2 MB L2 beyond one image;
// - fast: 22.3 (b1), 23.4 (b8), 25.0 (b32); int8: 9.1/7.4/7.6; the float model: 25.6/23.5/23.6.
import type { Engine } from './onnx/export-int.js';

export const RUN_BATCH: Readonly<Record<Engine | 'float', number>> = {
  exact: 1,
  fast: 1,
  int8: 8,
  float: 8,
};
