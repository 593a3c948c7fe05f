import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it, describe as suite } from 'vitest';
import { PyOrderedDict, PySet, PyTuple, type PyValue } from '../src/index.js';
import { unpickle } from '../src/pickle/vm.js';
import { CopyBudget } from '../src/storage.js';
import { PYTHON } from './torch-python.js';

const script = join(dirname(fileURLToPath(import.meta.url)), 'python', 'pickle_protocols.py');

/** Our value in the JSON form pickle_protocols.py gives CPython's. */
function jsonable(v: PyValue): unknown {
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (v instanceof PySet) return { set: [...v.items].sort(), frozen: v.frozen };
  if (v instanceof PyTuple) return { tuple: v.items.map(jsonable) };
  if (Array.isArray(v)) return v.map(jsonable);
  if (v instanceof Map)
    return { dict: [...v].map(([k, x]) => [k, jsonable(x)]), ordered: v instanceof PyOrderedDict };
  if (typeof v === 'bigint') return Number(v);
  return v;
}

suite('pickle VM against CPython, protocols 0–5', () => {
  const r = spawnSync(PYTHON, [script], { encoding: 'utf8' });
  const out =
    r.status === 0
      ? (JSON.parse(r.stdout) as { expected: unknown; pickles: Record<string, string> })
      : null;

  it('python ran', () => {
    expect(r.stderr).toBe('');
    expect(out).not.toBeNull();
  });

  for (const protocol of ['0', '1', '2', '3', '4', '5']) {
    it(`protocol ${protocol}`, () => {
      const bytes = Buffer.from(out!.pickles[protocol]!, 'hex');
      const { value, end } = unpickle(bytes, 0, {
        budget: new CopyBudget(0),
        persistentLoad: () => {
          throw new Error('no persistent ids here');
        },
      });
      expect(end).toBe(bytes.length);
      expect(jsonable(value)).toEqual(out!.expected);
      // memoized objects stay shared, as in Python
      const shared = (value as Map<string, PyValue[]>).get('shared')!;
      expect(shared[0]).toBe(shared[1]);
    });
  }
});
