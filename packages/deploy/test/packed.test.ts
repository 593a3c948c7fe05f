import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSafetensors } from '@hawq-ts/checkpoint';
import { afterAll, describe, expect, it } from 'vitest';
import { MalformedModelError } from '../src/errors.js';
import { integerModelFromHawq } from '../src/from-hawq.js';
import { packInt4, unpackInt4 } from '../src/int4.js';
import { loadIntegerModel } from '../src/load.js';
import { exportIntegerOnnx } from '../src/onnx/export-int.js';
import { packIntegerModel, readPacked, unpackIntegerModel, writePacked } from '../src/packed.js';
import { runReference } from '../src/reference.js';
import { runOnnx } from '../src/runner.js';
import { f32, GOLDEN, hasGolden, i32 } from './helpers/golden.js';
import { images, TINY_BOTTLENECK, tiny } from './helpers/tiny.js';

const dir = mkdtempSync(join(tmpdir(), 'deploy-packed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('int4 packing', () => {
  it('puts element 2i in the low nibble and 2i+1 in the high nibble', () => {
    expect(Array.from(packInt4(Int8Array.from([1, -1, -8, 7, 3])))).toEqual([0xf1, 0x78, 0x03]);
  });
  it('round-trips every int4 value, odd lengths included', () => {
    const v = Int8Array.from({ length: 33 }, (_, i) => (i % 16) - 8);
    expect(Array.from(unpackInt4(packInt4(v), 33))).toEqual(Array.from(v));
  });
  it('rejects values outside int4', () => {
    expect(() => packInt4(Int8Array.from([8]))).toThrow(RangeError);
  });
});

describe('packed model', () => {
  it('a 4-bit model stores its weights packed and rebuilds the same integer model', async () => {
    const model = integerModelFromHawq(tiny(TINY_BOTTLENECK).stateDict);
    const file = join(dir, 'tiny.safetensors');
    await writePacked(file, model);
    expect(readdirSync(dir)).toEqual(['tiny.safetensors']); // no temp file left behind
    const back = await readPacked(file);
    const x = images(2, 200, 9);
    expect(Array.from(runReference(back, x, [2, 3, 200, 200]).logitsInt)).toEqual(
      Array.from(runReference(model, x, [2, 3, 200, 200]).logitsInt),
    );
    const conv = back.ops.find((o) => o.kind === 'conv' && o.weightBits === 4);
    expect(conv).toBeDefined();
  });

  it.skipIf(!hasGolden)(
    'golden case b: logits from the packed file equal the checkpoint logits',
    async () => {
      const model = await loadIntegerModel(
        join(GOLDEN, 'b_resnet18_uniform4', 'checkpoint.pth.tar'),
      );
      const back = unpackIntegerModel(packIntegerModel(model));
      const res = await runOnnx(
        exportIntegerOnnx(back),
        f32(join(GOLDEN, 'inputs', 'input.f32')),
        [2, 3, 193, 193],
      );
      expect(Array.from(res.outputs.get('logits_int') as Int32Array)).toEqual(
        Array.from(i32(join(GOLDEN, 'b_resnet18_uniform4', 'logits_int.i32'))),
      );
      expect(Array.from(res.logits)).toEqual(
        Array.from(f32(join(GOLDEN, 'b_resnet18_uniform4', 'logits.f32'))),
      );
    },
  );

  it('rejects files that are not packed models', () => {
    const other = Buffer.concat(encodeSafetensors(new Map(), { format: 'other' }));
    expect(() => unpackIntegerModel(other, 'x.safetensors')).toThrow(MalformedModelError);
    expect(() => unpackIntegerModel(new Uint8Array(3), 'x.safetensors')).toThrow(
      MalformedModelError,
    );
  });

  it('names the missing tensor when the header declares a conv without its weights', () => {
    const graph = {
      arch: 'resnet18',
      numClasses: 1,
      ops: [{ kind: 'conv', name: 'stem', shape: [1, 1, 1, 1] }],
    };
    const forged = Buffer.concat(
      encodeSafetensors(new Map(), {
        format: 'hawq-ts-packed-v1',
        'hawq-ts.graph': JSON.stringify(graph),
      }),
    );
    expect(() => unpackIntegerModel(forged, 'forged.safetensors')).toThrow(
      /forged\.safetensors: packed file has no tensor 'stem.weight'/,
    );
  });
});
