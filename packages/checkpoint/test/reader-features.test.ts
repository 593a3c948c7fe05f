import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, describe as suite } from 'vitest';
import {
  archiveNameFor,
  CheckpointError,
  loadTorch,
  loadTorchBuffer,
  PyObject,
  saveTorch,
  saveTorchBuffer,
  Tensor,
} from '../src/index.js';
import { Op } from '../src/pickle/opcodes.js';
import { zipChunks } from '../src/zip/write.js';
import { bytesOf, global, int, legacyFile, str, tensorPickle, torchZip } from './craft.js';

const dir = mkdtempSync(join(tmpdir(), 'ckpt-feat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

suite('reader features', () => {
  it('loads storages tagged cuda:0 (real HAWQ checkpoints) on the CPU', () => {
    const pkl = tensorPickle({ numel: 2, size: [2], stride: [1] });
    const patched = Buffer.from(
      Buffer.from(pkl).toString('latin1').replace('\x03cpu', '\x06cuda:0'),
      'latin1',
    );
    const t = loadTorchBuffer(
      torchZip(patched, { '0': new Uint8Array(new Float32Array([1, 2]).buffer) }),
      'c.pth',
    );
    expect([...(t as Tensor).data]).toEqual([1, 2]);
  });

  it('honours a big-endian byteorder record (newer torch on big-endian hosts)', () => {
    const be = new Uint8Array(8);
    new DataView(be.buffer).setFloat32(0, 1.5, false);
    new DataView(be.buffer).setFloat32(4, -3, false);
    const zip = Buffer.concat(
      zipChunks([
        { name: 'x/data.pkl', data: tensorPickle({ numel: 2, size: [2], stride: [1] }) },
        { name: 'x/byteorder', data: new TextEncoder().encode('big') },
        { name: 'x/data/0', data: be },
        { name: 'x/.data/version', data: new TextEncoder().encode('3\n') },
      ]),
    );
    expect([...(loadTorchBuffer(zip, 'be.pth') as Tensor).data]).toEqual([1.5, -3]);
  });

  for (const littleEndian of [true, false]) {
    it(`legacy format: storage views and ${littleEndian ? 'little' : 'big'}-endian files`, () => {
      const floats = [0.5, 1, 2, 3, 4, 5];
      const data = new Uint8Array(24);
      for (const [i, f] of floats.entries())
        new DataView(data.buffer).setFloat32(i * 4, f, littleEndian);
      // [whole storage k1, view v1 = k1[2:5] (legacy view metadata), view again]
      const t = (view: [string, number, number] | null, size: number) =>
        tensorPickle({ numel: 6, size: [size], stride: [1], key: 'k1', legacyView: view }).subarray(
          2,
          -1,
        );
      const main = bytesOf(
        Op.PROTO,
        2,
        Op.MARK,
        t(null, 6),
        t(['v1', 2, 3], 3),
        t(['v1', 2, 3], 2),
        Op.LIST,
        Op.STOP,
      );
      const v = loadTorchBuffer(
        legacyFile(main, [['k1', 6, data]], littleEndian),
        'old.pth',
      ) as Tensor[];
      expect(v.map((x) => [...x.data])).toEqual([floats, [2, 3, 4], [2, 3]]);
    });
  }

  it('reads argparse.Namespace, torch.device, numpy scalars, sets and Parameters', () => {
    // numpy.core.multiarray.scalar(numpy.dtype('f8', False, True) + BUILD state, bytes)
    const f8 = new Uint8Array(new Float64Array([76.25]).buffer);
    const pkl = bytesOf(
      Op.PROTO,
      2,
      Op.EMPTY_DICT,
      Op.MARK,
      str('args'),
      global('argparse', 'Namespace'),
      Op.EMPTY_TUPLE,
      Op.NEWOBJ,
      Op.EMPTY_DICT,
      str('lr'),
      Op.BINFLOAT,
      [0x3f, 0x84, 0x7a, 0xe1, 0x47, 0xae, 0x14, 0x7b],
      Op.SETITEM,
      Op.BUILD,
      str('device'),
      global('torch', 'device'),
      str('cuda'),
      int(0),
      Op.TUPLE2,
      Op.REDUCE,
      str('best_acc1'),
      global('numpy.core.multiarray', 'scalar'),
      global('numpy', 'dtype'),
      str('f8'),
      Op.NEWFALSE,
      Op.NEWTRUE,
      Op.TUPLE3,
      Op.REDUCE,
      Op.MARK,
      int(3),
      str('<'),
      Op.NONE,
      Op.NONE,
      Op.NONE,
      int(-1),
      int(-1),
      int(0),
      Op.TUPLE,
      Op.BUILD,
      global('_codecs', 'encode'),
      str(String.fromCharCode(...f8)),
      str('latin1'),
      Op.TUPLE2,
      Op.REDUCE,
      Op.TUPLE2,
      Op.REDUCE,
      str('set'),
      global('__builtin__', 'set'),
      Op.EMPTY_LIST,
      int(1),
      Op.APPEND,
      Op.TUPLE1,
      Op.REDUCE,
      Op.SETITEMS,
      Op.STOP,
    );
    const v = loadTorchBuffer(torchZip(pkl), 'ns.pth') as Map<string, unknown>;
    const ns = v.get('args') as PyObject;
    expect(ns.qualifiedName).toBe('argparse.Namespace');
    expect((ns.state as Map<string, number>).get('lr')).toBe(0.01);
    expect((v.get('device') as PyObject).args).toEqual(['cuda', 0]);
    expect(v.get('best_acc1')).toBe(76.25);
    expect(v.get('set')).toMatchObject({ items: [1], frozen: false });
  });
});

suite('saveTorch', () => {
  it('names the archive folder after the file like torch (checkpoint.pth.tar → checkpoint.pth/)', () => {
    expect(archiveNameFor('/x/checkpoint.pth.tar')).toBe('checkpoint.pth');
    expect(archiveNameFor('model.pth')).toBe('model');
    expect(archiveNameFor('weights')).toBe('weights');
  });

  it('writes atomically: a failed save keeps the old file and leaves no temp file', async () => {
    const sub = mkdtempSync(join(dir, 'atomic-'));
    const file = join(sub, 'checkpoint.pth.tar');
    await saveTorch(file, new Map([['w', Tensor.scalar('float32', 1)]]));
    const before = readFileSync(file);
    const bad = new Map([['x', new PyObject('os', 'system', ['echo'])]]);
    await expect(saveTorch(file, bad)).rejects.toThrow(
      /checkpoint\.pth\.tar: cannot save: cannot pickle os\.system/,
    );
    await expect(saveTorch(join(sub, 'missing', 'x.pth'), new Map())).rejects.toThrow(
      CheckpointError,
    );
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(sub)).toEqual(['checkpoint.pth.tar']);
    const back = (await loadTorch(file)) as Map<string, Tensor>;
    expect(back.get('w')!.shape).toEqual([]);
  });

  it('keeps views of one buffer in one storage, and separate buffers apart', () => {
    const buf = new Float32Array([0, 1, 2, 3, 4, 5]);
    const whole = new Tensor('float32', [2, 3], buf);
    const tail = new Tensor('float32', [3], buf.subarray(3));
    const other = Tensor.fromFloat32([2], new Float32Array([7, 8]));
    const bytes = saveTorchBuffer([whole, tail, other, whole]);
    const names = Buffer.from(bytes)
      .toString('latin1')
      .match(/archive\/data\/\d+/g);
    expect(new Set(names)).toEqual(new Set(['archive/data/0', 'archive/data/1']));
    const back = loadTorchBuffer(bytes, 'mem') as Tensor[];
    expect([...back[1]!.data]).toEqual([3, 4, 5]);
    expect(back[1]!.data.buffer).toBe(back[0]!.data.buffer);
    expect(back[3]).toBe(back[0]); // the same object twice is memoized, as in Python
  });
});
