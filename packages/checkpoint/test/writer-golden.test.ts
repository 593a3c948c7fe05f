import { readFileSync } from 'node:fs';
import { expect, it, describe as suite } from 'vitest';
import { loadTorchBuffer, saveTorchBuffer } from '../src/index.js';
import { zipChunks } from '../src/zip/write.js';
import { zipRecords } from './craft.js';
import { goldenCheckpoints } from './golden.js';

const zipCases = goldenCheckpoints().filter((c) => !c.path.endsWith('_legacy.pth.tar'));

suite('writer reproduces torch 1.13 byte for byte', () => {
  for (const { path } of zipCases) {
    const short = path.split('/').slice(-2).join('/');
    it(`zip container of ${short}`, () => {
      const bytes = readFileSync(path);
      const records = zipRecords(bytes);
      expect(Buffer.concat(zipChunks(records)).equals(bytes)).toBe(true);
    });

    it(`load → save of ${short}`, () => {
      const bytes = readFileSync(path);
      const stem = path
        .split('/')
        .pop()!
        .replace(/\.[^.]*$/, '');
      const again = saveTorchBuffer(loadTorchBuffer(bytes, path), stem);
      expect(Buffer.from(again).equals(bytes)).toBe(true);
    });
  }
});
