import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, describe as suite } from 'vitest';
import {
  allowedGlobals,
  CheckpointError,
  loadTorch,
  loadTorchBuffer,
  tuple,
} from '../src/index.js';
import { Op } from '../src/pickle/opcodes.js';
import { zipChunks } from '../src/zip/write.js';
import { bytesOf, global, int, str, tensorPickle, torchZip } from './craft.js';
import { goldenCheckpoints } from './golden.js';

const dir = mkdtempSync(join(tmpdir(), 'ckpt-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const golden = goldenCheckpoints();
const zipPath = golden.find((c) => c.path.endsWith('a_resnet18_uniform8/checkpoint.pth.tar'))!.path;
const legacyPath = golden.find((c) => c.path.endsWith('checkpoint_legacy.pth.tar'))!.path;

function errorOf(fn: () => unknown): CheckpointError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg).not.toContain('unexpected error');
    return e as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

suite('bad input gives one-line CheckpointErrors naming the file', () => {
  it('a missing file', async () => {
    await expect(loadTorch(join(dir, 'nope.pth'))).rejects.toThrow(
      /nope\.pth: cannot read checkpoint: no such file/,
    );
  });

  it('an empty file and wrong magic', () => {
    expect(errorOf(() => loadTorchBuffer(new Uint8Array(0), 'empty.pth')).message).toBe(
      'empty.pth: file is empty',
    );
    expect(
      errorOf(() => loadTorchBuffer(new TextEncoder().encode('hello world'), 'w.pth')).message,
    ).toMatch(/^w\.pth: not a PyTorch checkpoint/);
    const legacy = new Uint8Array(readFileSync(legacyPath));
    legacy[6] = legacy[6]! ^ 0xff; // inside the magic number
    expect(errorOf(() => loadTorchBuffer(legacy, 'l.pth')).message).toMatch(/invalid magic number/);
  });

  it('a zip without data.pkl', () => {
    const zip = Buffer.concat(zipChunks([{ name: 'a/readme.txt', data: new Uint8Array(3) }]));
    expect(errorOf(() => loadTorchBuffer(zip, 'z.pth')).message).toMatch(
      /z\.pth: zip archive has no data\.pkl/,
    );
  });

  it('truncated files, both formats', () => {
    const zip = readFileSync(zipPath);
    expect(
      errorOf(() => loadTorchBuffer(zip.subarray(0, zip.length - 10), 't.pth')).message,
    ).toMatch(/truncated zip|end of central directory/);
    expect(errorOf(() => loadTorchBuffer(zip.subarray(0, 1000), 't.pth')).message).toMatch(
      /truncated/,
    );
    const legacy = readFileSync(legacyPath);
    expect(
      errorOf(() => loadTorchBuffer(legacy.subarray(0, legacy.length - 1), 'l.pth')).message,
    ).toMatch(/truncated: storage/);
    expect(errorOf(() => loadTorchBuffer(legacy.subarray(0, 5000), 'l.pth')).message).toMatch(
      /truncated/,
    );
  });

  it('CRC-32: data.pkl always checked, storages on request (torch.load checks none)', () => {
    const zip = new Uint8Array(readFileSync(zipPath));
    const p = zip.length - 30_000; // inside a storage record
    zip[p] = zip[p]! ^ 1;
    expect(() => loadTorchBuffer(zip, 'c.pth')).not.toThrow();
    expect(errorOf(() => loadTorchBuffer(zip, 'c.pth', { verifyCrc: true })).message).toMatch(
      /CRC-32 mismatch in zip record checkpoint\.pth\/data\/\d+/,
    );
    const pkl = new Uint8Array(readFileSync(zipPath));
    pkl[5000] = pkl[5000]! ^ 1; // inside data.pkl
    expect(errorOf(() => loadTorchBuffer(pkl, 'c.pth')).message).toMatch(
      /CRC-32 mismatch in zip record checkpoint\.pth\/data\.pkl/,
    );
  });

  for (const [module, name] of [
    ['os', 'system'],
    ['posix', 'system'],
    ['builtins', 'eval'],
    ['subprocess', 'Popen'],
    ['torch', 'load'],
    ['torch._utils', '_rebuild_qtensor'],
  ]) {
    it(`refuses the global ${module}.${name} without executing anything`, () => {
      const pkl = bytesOf(
        Op.PROTO,
        2,
        global(module!, name!),
        str('touch /tmp/pwned'),
        Op.TUPLE1,
        Op.REDUCE,
        Op.STOP,
      );
      const msg = errorOf(() => loadTorchBuffer(torchZip(pkl), 'evil.pth')).message;
      expect(msg).toBe(
        `evil.pth: the pickle asks for the global '${module}.${name}', which is not on the allow-list of safe names; nothing was executed`,
      );
    });
  }

  it('refuses os.system through STACK_GLOBAL too, and lists what it allows', () => {
    const pkl = bytesOf(Op.PROTO, 4, str('os'), str('system'), Op.STACK_GLOBAL, Op.STOP);
    expect(errorOf(() => loadTorchBuffer(torchZip(pkl), 'e.pth')).message).toMatch(/'os\.system'/);
    expect(allowedGlobals()).toContain('torch._utils._rebuild_tensor_v2');
    expect(allowedGlobals().some((g) => g.startsWith('os.'))).toBe(false);
  });

  it('absurd sizes and out-of-bounds views', () => {
    const store = { '0': f32(1, 2, 3, 4) };
    const load = (o: Parameters<typeof tensorPickle>[0], s: Record<string, Uint8Array> = store) =>
      errorOf(() => loadTorchBuffer(torchZip(tensorPickle(o), s), 'a.pth')).message;
    expect(load({ numel: 4, size: [2 ** 40], stride: [1] })).toMatch(
      /reads past the end of storage 0/,
    );
    expect(load({ numel: 4, offset: 3, size: [2], stride: [1] })).toMatch(/reads past the end/);
    expect(load({ numel: 4, size: [2 ** 30, 2 ** 30], stride: [0, 0] })).toMatch(/absurd/);
    expect(load({ numel: 4, size: [2 ** 26, 16], stride: [0, 0] })).toMatch(
      /more than the \d+ allowed/,
    );
    expect(load({ numel: 2 ** 40, size: [4], stride: [1] })).toMatch(/holds 16 bytes, \d+ needed/);
    expect(load({ numel: 4, size: [4], stride: [-1] })).toMatch(/invalid/);
    expect(load({ numel: 4, size: [4], stride: [1] }, {})).toMatch(
      /storage record data\/0 is missing/,
    );
    expect(load({ numel: 4, size: [4], stride: [1], storage: 'QInt8Storage' })).toMatch(
      /'torch\.QInt8Storage'/,
    );
    expect(load({ numel: 2n ** 80n, size: [4], stride: [1] })).toMatch(
      /storage size .* is invalid/,
    );
  });

  it('a stride-0 broadcast within the copy budget is materialized like torch does', () => {
    const v = loadTorchBuffer(
      torchZip(tensorPickle({ numel: 4, offset: 1, size: [3, 2], stride: [0, 1] }), {
        '0': f32(1, 2, 3, 4),
      }),
      'b.pth',
    );
    expect(v).toMatchObject({ dtype: 'float32', shape: [3, 2] });
    expect([...(v as { data: Float32Array }).data]).toEqual([2, 3, 2, 3, 2, 3]);
  });

  it("the VM's inline opcodes agree with its bounds-checked path (values and error offsets)", () => {
    const load = (pkl: Uint8Array) => loadTorchBuffer(torchZip(pkl), 'p.pth');
    // unpickle() runs the per-tensor opcodes inline while 5+ bytes remain, the rest checked: the
    // same opcodes once far from the end (inline) and once right before STOP (checked).
    const body = bytesOf(
      [Op.MARK, Op.BININT1, 7, Op.BININT2, 0x2c, 0x01, Op.NEWFALSE, Op.EMPTY_TUPLE],
      [Op.BINUNICODE, 2, 0, 0, 0, 'ab', Op.BINPUT, 0, Op.LONG_BINPUT, 1, 0, 0, 0],
      [Op.BINGET, 0, Op.TUPLE1, Op.TUPLE],
    );
    const expected = tuple(7, 300, false, tuple(), 'ab', tuple('ab'));
    // BINGET inline, TUPLE1 and TUPLE checked (within 5 bytes of the end) / all of them inline
    expect(load(bytesOf(Op.PROTO, 2, body, Op.STOP))).toEqual(expected);
    expect(load(bytesOf(Op.PROTO, 2, body, Op.NONE, Op.POP, Op.NONE, Op.POP, Op.STOP))).toEqual(
      expected,
    );
    const underflow = (pad: number[]) =>
      errorOf(() => load(bytesOf(Op.PROTO, 2, Op.TUPLE1, pad, Op.STOP))).message;
    expect(underflow([Op.NONE, Op.NONE, Op.NONE, Op.NONE, Op.NONE])).toMatch(
      /underflow at offset 2$/,
    );
    expect(underflow([])).toMatch(/underflow at offset 2$/);
    const noMark = (pad: number[]) =>
      errorOf(() => load(bytesOf(Op.PROTO, 2, Op.NONE, Op.TUPLE, pad, Op.STOP))).message;
    expect(noMark([Op.POP, Op.POP, Op.POP, Op.POP, Op.POP])).toMatch(/MARK missing at offset 3$/);
    expect(noMark([])).toMatch(/MARK missing at offset 3$/);
  });

  it('malformed pickles', () => {
    const bad = (pkl: Uint8Array) => errorOf(() => loadTorchBuffer(torchZip(pkl), 'p.pth')).message;
    expect(bad(bytesOf(Op.PROTO, 2, Op.APPEND, Op.STOP))).toMatch(/stack underflow/);
    expect(bad(bytesOf(Op.PROTO, 2, Op.BINGET, 9, Op.STOP))).toMatch(/memo entry 9 is missing/);
    expect(bad(bytesOf(Op.PROTO, 2, Op.EMPTY_LIST, Op.BINUNICODE, 0xff, 0xff, 0xff, 0x7f))).toMatch(
      /truncated/,
    );
    expect(bad(bytesOf(Op.PROTO, 9, Op.NONE, Op.STOP))).toMatch(/unsupported pickle protocol 9/);
    expect(bad(bytesOf(Op.PROTO, 2, 0xff))).toMatch(/invalid pickle opcode 0xff/);
    expect(bad(bytesOf(Op.PROTO, 2, Op.NONE, Op.NONE, Op.STOP))).toMatch(/2 items on the stack/);
    expect(bad(bytesOf(Op.PROTO, 2, Op.LONG4, 0, 0, 0, 0x10))).toMatch(/absurd/);
    expect(bad(bytesOf(Op.PROTO, 2, Op.NONE, Op.BINPERSID, Op.STOP))).toMatch(
      /unsupported persistent id/,
    );
    expect(bad(bytesOf(Op.PROTO, 2, global('torch', 'FloatStorage'), Op.STOP))).toMatch(
      /returns the global/,
    );
    expect(bad(bytesOf(Op.PROTO, 2, int(1), Op.EMPTY_TUPLE, Op.REDUCE, Op.STOP))).toMatch(
      /not callable/,
    );
    expect(bad(bytesOf(Op.PROTO, 2, int(1), int(2), Op.REDUCE, Op.STOP))).toMatch(
      /call arguments are number/,
    );
  });

  it('a file on disk', async () => {
    const file = join(dir, 'evil.pth.tar');
    writeFileSync(file, torchZip(bytesOf(Op.PROTO, 2, global('os', 'system'), Op.STOP)));
    await expect(loadTorch(file)).rejects.toThrow(
      `${file}: the pickle asks for the global 'os.system'`,
    );
  });
});

it('zip entries overlapping other records cannot multiply memory when read from disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-alias-'));
  try {
    // 100 storages of 12 MB: 99 empty records whose central-directory sizes are patched to 12 MB,
    // so each one's data runs over the records after it (the last, real 12 MB record included;
    // larger than a read chunk, so these reads cannot share one)
    const n = 100;
    const numel = 3 << 20;
    const tensors = Array.from({ length: n }, (_, i) =>
      tensorPickle({ numel, size: [numel], stride: [1], key: String(i) }).subarray(2, -1),
    );
    const pkl = bytesOf(Op.PROTO, 2, Op.MARK, ...tensors, Op.LIST, Op.STOP);
    const records = [{ name: 'a/data.pkl', data: pkl }];
    for (let i = 1; i < n; i++) records.push({ name: `a/data/${i}`, data: new Uint8Array(0) });
    records.push({ name: 'a/data/0', data: new Uint8Array(4 * numel) });
    const zip = new Uint8Array(Buffer.concat(zipChunks(records)));
    const view = new DataView(zip.buffer);
    for (let p = 0; p + 46 < zip.length; p++) {
      if (view.getUint32(p, true) !== 0x02014b50) continue;
      const len = view.getUint16(p + 28, true);
      const name = Buffer.from(zip.subarray(p + 46, p + 46 + len)).toString();
      if (name.startsWith('a/data/') && name !== 'a/data/0') {
        view.setUint32(p + 20, 4 * numel, true);
        view.setUint32(p + 24, 4 * numel, true);
      }
    }
    const file = join(dir, 'overlap.pth');
    writeFileSync(file, zip);
    expect(zip.length).toBeLessThan(2 * 4 * numel);
    await expect(loadTorch(file)).rejects.toThrow(
      /overlap\.pth: corrupt: zip entry a\/data\/\d+ overlaps other records/,
    );
    // in memory the same records are mere views, so the buffer loader accepts them
    expect((loadTorchBuffer(zip, 'mem') as unknown[]).length).toBe(n);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
