import { expect, it, describe as suite } from 'vitest';
import { bfloat16ToFloat, halfToFloat } from '../src/half.js';
import { DTYPE_NAMES, describe, PyTuple, stateDictOf, Tensor, tuple } from '../src/index.js';
import { skipTorch, torchHelper } from './torch-python.js';

suite('Tensor', () => {
  it('checks dtype, data type and length against the shape', () => {
    expect(() => new Tensor('float32', [2, 2], new Float32Array(3))).toThrow(/needs 4 elements/);
    expect(() => new Tensor('int64', [1], new Float32Array(1) as never)).toThrow(/BigInt64Array/);
    expect(() => new Tensor('float32', [-1], new Float32Array(0))).toThrow(/invalid shape/);
    expect(Tensor.zeros('bool', [2, 0]).numel).toBe(0);
    expect(Tensor.scalar('int64', 7).shape).toEqual([]);
  });

  it('converts every dtype to float32', () => {
    const values = [0, 1, -2, 3.5, 100];
    for (const d of DTYPE_NAMES) {
      const t = Tensor.fromNumbers(d, [5], values);
      const expected =
        d === 'bool'
          ? [0, 1, 1, 1, 1]
          : d === 'uint8'
            ? [0, 1, 254, 3, 100]
            : d.startsWith('float') || d === 'bfloat16'
              ? values
              : [0, 1, -2, 3, 100];
      expect([...t.toFloat32()], d).toEqual(expected);
      expect(t.to('float32').dtype).toBe('float32');
    }
    expect(Tensor.fromNumbers('int64', [1], [2 ** 40]).data[0]).toBe(2n ** 40n);
  });

  it.skipIf(skipTorch)('float16/bfloat16 rounding is bit-identical to torch', () => {
    const c = torchHelper<{
      float32_bits: number[];
      float16_bits: number[];
      bfloat16_bits: number[];
    }>('casts');
    const f32 = new Float32Array(Int32Array.from(c.float32_bits).buffer);
    const half = Tensor.fromFloat32([f32.length], f32).to('float16').data as Uint16Array;
    const bf = Tensor.fromFloat32([f32.length], f32).to('bfloat16').data as Uint16Array;
    const u16 = (xs: number[]) => Uint16Array.from(xs.map((x) => x & 0xffff));
    expect([...half]).toEqual([...u16(c.float16_bits)]);
    // NaN payloads differ between torch's scalar (0x7fc0) and vectorized (0xffff) paths; any NaN will do
    const bfTorch = u16(c.bfloat16_bits);
    for (let i = 0; i < f32.length; i++) {
      if (Number.isNaN(f32[i]!)) expect(Number.isNaN(bfloat16ToFloat(bf[i]!))).toBe(true);
      else expect(bf[i], `bfloat16 of ${f32[i]}`).toBe(bfTorch[i]);
    }
    // and back: decoding the bits gives the values torch would print
    for (let i = 0; i < 50; i++) {
      expect(Math.fround(halfToFloat(half[i]!))).toBe(
        Math.fround(halfToFloat(u16(c.float16_bits)[i]!)),
      );
      expect(bfloat16ToFloat(bf[i]!)).toBe(bfloat16ToFloat(u16(c.bfloat16_bits)[i]!));
    }
  });
});

suite('describe and stateDictOf', () => {
  it('joins paths with / and records empty containers and leaves', () => {
    const v = new Map<string | number, never>([
      ['a', new Map([[0, [Tensor.scalar('float32', 1), tuple()]]]) as never],
      ['b', new Map() as never],
      ['c', (2n ** 70n) as never],
    ]);
    const d = describe(v);
    expect(Object.keys(d.tensors)).toEqual(['a/0/0']);
    expect(d.tensors['a/0/0']!.sha256).toBe(
      'e00e5eb9444182f352323374ef4e08ebcb784725fdd4fd612d7730540b3e0c8c',
    );
    expect(d.values).toEqual({ 'a/0/1': [], b: {}, c: '1180591620717411303424' });
  });

  it('refuses cycles instead of recursing forever', () => {
    const list: never[] = [];
    list.push(list as never);
    expect(() => describe(list)).toThrow(/contains itself/);
  });

  it('finds the state_dict of a bare state_dict or a checkpoint', () => {
    const t = Tensor.scalar('float32', 1);
    const bare = new Map([['w', t]]);
    expect(stateDictOf(bare).get('w')).toBe(t);
    expect(
      stateDictOf(
        new Map<string, never>([
          ['state_dict', bare as never],
          ['epoch', 1 as never],
        ]),
      ).get('w'),
    ).toBe(t);
    expect(() => stateDictOf(new Map<string, never>([['epoch', 1 as never]]), 'x.pth')).toThrow(
      /^x\.pth: has neither a state_dict entry nor only tensors/,
    );
    expect(() => stateDictOf([] as never, 'x.pth')).toThrow(/^x\.pth: expected a dict/);
    expect(new PyTuple([1]).length).toBe(1);
  });
});
