import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError, InvalidBackendError, initBackend } from '../src/backend/index.js';

describe('initBackend', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('falls back past the absent native packages to wasm and logs why', async () => {
    const lines: string[] = [];
    const name = await initBackend({ env: {}, log: (l) => lines.push(l) });
    expect(name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^backend: wasm \(tfjs 4\.22\.0, auto; skipped tensorflow-gpu: /);
    expect(lines[0]).toMatch(/@tensorflow\/tfjs-node-gpu is not installed/);
    expect(lines[0]).toMatch(/tensorflow: @tensorflow\/tfjs-node is not installed/);
  });

  it('honours HAWQ_BACKEND and lets the option override it', async () => {
    expect(await initBackend({ env: { HAWQ_BACKEND: 'cpu' } })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend({ env: { HAWQ_BACKEND: 'cpu' }, backend: 'wasm' })).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const lines: string[] = [];
    await initBackend({ env: { HAWQ_BACKEND: ' CPU ' }, log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/^backend: cpu \(tfjs 4\.22\.0, HAWQ_BACKEND\)$/);
  });

  it('rejects invalid names, naming where they came from', async () => {
    await expect(initBackend({ backend: 'webgl', env: {} })).rejects.toThrow(InvalidBackendError);
    await expect(initBackend({ env: { HAWQ_BACKEND: 'gpu' } })).rejects.toThrow(
      /^HAWQ_BACKEND: unknown backend 'gpu'; use one of auto, tensorflow-gpu, tensorflow, wasm, cpu$/,
    );
  });

  it('fails loudly when an explicitly chosen backend is missing', async () => {
    await expect(initBackend({ backend: 'tensorflow', env: {} })).rejects.toThrow(
      /backend 'tensorflow' is unavailable: @tensorflow\/tfjs-node is not installed/,
    );
    await expect(initBackend({ backend: 'tensorflow', env: {} })).rejects.toThrow(
      BackendUnavailableError,
    );
  });

  it('reports a native package whose addon cannot load (as tfjs-node-gpu does here)', async () => {
    const importModule = async (spec: string) => {
      if (spec.includes('tfjs-node')) {
        throw new Error(
          'The Node.js native addon module (tfjs_binding.node) can not be found\nmore',
        );
      }
      return import(spec);
    };
    const lines: string[] = [];
    expect(await initBackend({ env: {}, importModule, log: (l) => lines.push(l) })).toBe('wasm');
    expect(lines[0]).toContain(
      '@tensorflow/tfjs-node-gpu failed to load: The Node.js native addon',
    );
  });

  it('treats tf.setBackend() returning false as a failure, not a success', async () => {
    // A registered backend whose factory throws makes setBackend resolve to false.
    const importModule = async () => {
      tf.registerBackend('tensorflow', () => {
        throw new Error('no libtensorflow');
      });
    };
    try {
      await expect(initBackend({ backend: 'tensorflow', env: {}, importModule })).rejects.toThrow(
        /tf\.setBackend\('tensorflow'\) returned false/,
      );
    } finally {
      tf.removeBackend('tensorflow');
    }
  });

  it('reports a package that loads but registers no backend', async () => {
    await expect(
      initBackend({ backend: 'tensorflow-gpu', env: {}, importModule: async () => ({}) }),
    ).rejects.toThrow(/registered no 'tensorflow' backend/);
  });
});
