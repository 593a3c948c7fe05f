// Packed integer weights (HAWQ issue #35: users want the integers, HAWQ ships float checkpoints).
// One safetensors file: per conv/linear the integer weights (int4 packed two per byte, see int4.ts,
// or int8), int32 bias and float32 per-channel scale; per requantizer the mantissas m (int64,
// m may equal 2^31) and shifts e; per classifier the float32 dequantization scales. The safetensors
// `__metadata__` holds the graph as JSON (`hawq-ts.graph`): the IR op list with tensor references.
// The safetensors codec is @hawq-ts/checkpoint's.
import { readFile } from 'node:fs/promises';
import {
  CheckpointError,
  encodeSafetensors,
  readSafetensorsBuffer,
  Tensor,
} from '@hawq-ts/checkpoint';
import { writeFileAtomic } from './atomic.js';
import { MalformedModelError, UnsupportedModelError } from './errors.js';
import { packInt4, unpackInt4 } from './int4.js';
import type { ConvOp, DyadicScale, IntegerModel, IntOp, LinearOp } from './ir.js';

export const PACKED_FORMAT = 'hawq-ts-packed-v1';

type Desc = Record<string, unknown>;

function putDyadic(t: Map<string, Tensor>, key: string, s: DyadicScale): void {
  t.set(`${key}.m`, new Tensor('int64', [s.m.length], BigInt64Array.from(s.m.map(BigInt))));
  t.set(`${key}.e`, new Tensor('int32', [s.e.length], Int32Array.from(s.e)));
}

function putWeights(t: Map<string, Tensor>, op: ConvOp | LinearOp): Desc {
  const packed = op.weightBits <= 4;
  t.set(
    `${op.name}.weight`,
    packed
      ? new Tensor('uint8', [Math.ceil(op.weight.length / 2)], packInt4(op.weight))
      : new Tensor('int8', [...op.shape], op.weight),
  );
  t.set(`${op.name}.bias`, new Tensor('int32', [op.bias.length], op.bias));
  t.set(`${op.name}.weight_scale`, new Tensor('float32', [op.weightScale.length], op.weightScale));
  const { weight: _w, bias: _b, weightScale: _s, ...rest } = op;
  return { ...rest, weightPacking: packed ? 'int4-low-nibble-first' : 'int8' };
}

/** Serialize an IntegerModel into safetensors bytes. */
export function packIntegerModel(model: IntegerModel): Uint8Array {
  const t = new Map<string, Tensor>();
  const ops: Desc[] = model.ops.map((op) => {
    switch (op.kind) {
      case 'conv':
      case 'linear':
        return putWeights(t, op);
      case 'requant': {
        putDyadic(t, `${op.name}.requant`, op.scale);
        const { scale: _s, ...rest } = op;
        return rest;
      }
      case 'residual': {
        putDyadic(t, `${op.name}.identity_requant`, op.identityScale);
        putDyadic(t, `${op.name}.body_requant`, op.bodyScale);
        const { identityScale: _a, bodyScale: _b, ...rest } = op;
        return rest;
      }
      case 'dequantize': {
        t.set(`${op.name}.scale`, new Tensor('float32', [op.scale.length], op.scale));
        const { scale: _s, ...rest } = op;
        return rest;
      }
      default:
        return { ...op };
    }
  });
  const { ops: _o, ...info } = model;
  return Buffer.concat(
    encodeSafetensors(t, {
      format: PACKED_FORMAT,
      'hawq-ts.graph': JSON.stringify({ ...info, ops }),
    }),
  );
}

function need(t: Map<string, Tensor>, key: string, source: string): Tensor {
  const v = t.get(key);
  if (!v) throw new MalformedModelError(`${source}: packed file has no tensor '${key}'`);
  return v;
}

function getDyadic(t: Map<string, Tensor>, key: string, source: string): DyadicScale {
  const m = need(t, `${key}.m`, source).data;
  const e = need(t, `${key}.e`, source).data;
  if (!(m instanceof BigInt64Array) || !(e instanceof Int32Array))
    throw new MalformedModelError(`${source}: '${key}.m/.e' must be I64/I32`);
  return { m: Array.from(m, Number), e: Array.from(e) };
}

function getWeights(
  t: Map<string, Tensor>,
  d: Desc,
  source: string,
): { weight: Int8Array; bias: Int32Array; weightScale: Float32Array } {
  const name = d.name as string;
  const shape = d.shape as number[];
  const n = shape.reduce((a, b) => a * b, 1);
  const w = need(t, `${name}.weight`, source).data;
  const weight =
    d.weightPacking === 'int4-low-nibble-first' && w instanceof Uint8Array ? unpackInt4(w, n) : w;
  if (!(weight instanceof Int8Array) || weight.length !== n)
    throw new MalformedModelError(`${source}: '${name}.weight' does not hold ${n} integer weights`);
  const bias = need(t, `${name}.bias`, source).data;
  const weightScale = need(t, `${name}.weight_scale`, source).data;
  if (!(bias instanceof Int32Array) || !(weightScale instanceof Float32Array))
    throw new MalformedModelError(`${source}: '${name}' bias/scale have the wrong dtype`);
  return { weight, bias, weightScale };
}

/** Rebuild the IntegerModel from packed safetensors bytes. */
export function unpackIntegerModel(bytes: Uint8Array, source = 'packed model'): IntegerModel {
  let decoded: { tensors: Map<string, Tensor>; metadata: Record<string, string> };
  try {
    decoded = readSafetensorsBuffer(bytes, source);
  } catch (e) {
    if (e instanceof CheckpointError) throw new MalformedModelError(e.message);
    throw e;
  }
  const { tensors: t, metadata } = decoded;
  if (metadata.format !== PACKED_FORMAT)
    throw new MalformedModelError(
      `${source}: not a ${PACKED_FORMAT} file (format '${metadata.format ?? 'none'}')`,
    );
  let graph: Desc;
  try {
    graph = JSON.parse(metadata['hawq-ts.graph'] ?? '');
  } catch {
    throw new MalformedModelError(`${source}: the 'hawq-ts.graph' header is not valid JSON`);
  }
  const ops = (graph.ops as Desc[]).map((d): IntOp => {
    const name = d.name as string;
    switch (d.kind) {
      case 'conv':
      case 'linear': {
        const { weightPacking: _p, ...rest } = d;
        return { ...rest, ...getWeights(t, d, source) } as unknown as ConvOp | LinearOp;
      }
      case 'requant':
        return { ...d, scale: getDyadic(t, `${name}.requant`, source) } as unknown as IntOp;
      case 'residual':
        return {
          ...d,
          identityScale: getDyadic(t, `${name}.identity_requant`, source),
          bodyScale: getDyadic(t, `${name}.body_requant`, source),
        } as unknown as IntOp;
      case 'dequantize': {
        const scale = need(t, `${name}.scale`, source).data;
        if (!(scale instanceof Float32Array))
          throw new MalformedModelError(`${source}: '${name}.scale' must be F32`);
        return { ...d, scale } as unknown as IntOp;
      }
      case 'quantizeInput':
      case 'maxPool':
      case 'relu':
      case 'avgPool':
        return d as unknown as IntOp;
      default:
        throw new UnsupportedModelError(
          `${source}: op '${name}' has unknown kind '${String(d.kind)}'`,
        );
    }
  });
  return { ...(graph as Omit<IntegerModel, 'ops'>), ops };
}

export async function writePacked(file: string, model: IntegerModel): Promise<void> {
  await writeFileAtomic(file, packIntegerModel(model));
}

export async function readPacked(file: string): Promise<IntegerModel> {
  return unpackIntegerModel(new Uint8Array(await readFile(file)), file);
}
