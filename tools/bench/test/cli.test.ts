// The dispatcher finds every benchmark module, and a wrong topic is a usage error, not a crash.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { machineInfo, round } from '../src/util.js';

const cli = resolve(import.meta.dirname, '../dist/cli.js');

describe('pnpm bench', () => {
  it('lists every benchmark module as a topic when the topic is unknown (exit 2)', () => {
    const r = spawnSync(process.execPath, [cli, 'nope'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    const topics = readdirSync(resolve(import.meta.dirname, '../src'))
      .filter((f) => f.endsWith('.ts') && f !== 'cli.ts' && f !== 'util.ts' && !f.startsWith('_'))
      .map((f) => f.slice(0, -3))
      .sort();
    const listed = /<([^>]+)>/.exec(r.stderr)?.[1]?.split('|').sort();
    expect(listed).toEqual(topics);
    expect(r.stderr).toContain('unknown topic: nope');
  });
  it('records the machine a result came from', () => {
    const m = machineInfo();
    expect(m.cores).toBeGreaterThan(0);
    expect(m.node).toBe(process.version);
    expect(m.loadAverageNow).toHaveLength(3);
    expect(round(1.23456, 2)).toBe(1.23);
  });
});
