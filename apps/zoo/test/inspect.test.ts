// e2e: `zoo inspect` as users run it (node dist/cli.js; turbo builds before testing).
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it, describe as suite } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const cli = resolve(here, '../dist/cli.js');
const golden = [
  process.env.HAWQ_GOLDEN_DIR,
  resolve(here, '../../../../shared/golden'),
  '/work/shared/golden',
]
  .filter((d): d is string => !!d)
  .find((d) => existsSync(join(d, 'README.md')))!;
const caseA = join(golden, 'a_resnet18_uniform8');
const tmp = mkdtempSync(join(tmpdir(), 'zoo-inspect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function zoo(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, HAWQ_CACHE_DIR: join(tmp, 'cache'), ...env },
  });
}

suite('zoo inspect', () => {
  it('--json prints exactly the golden tensors.json entry plus the format', () => {
    const [expected, expectedLegacy] = JSON.parse(
      readFileSync(join(caseA, 'tensors.json'), 'utf8'),
    );
    const r = zoo(['inspect', join(caseA, 'checkpoint.pth.tar'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ...expected, format: 'zip' });
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(['file', 'format', 'tensors', 'values']);
    const legacy = zoo(['inspect', join(caseA, 'checkpoint_legacy.pth.tar'), '--json']);
    expect(JSON.parse(legacy.stdout)).toEqual({ ...expectedLegacy, format: 'legacy' });
  });

  it('prints a table of keys, dtypes, shapes and parameter counts', () => {
    const r = zoo(['inspect', join(golden, 'f_resnet18_float', 'model.pth')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/model\.pth \(zip format, 752\.1 KB\)/);
    expect(r.stdout).toMatch(
      /features\.init_block\.conv\.conv\.weight\s+float32\s+\[8, 3, 7, 7\]\s+1,176/,
    );
    expect(r.stdout).toMatch(/122 tensors, [\d,]+ parameters/);
  });

  it('resolves an installed zoo model by name', () => {
    const dir = join(tmp, 'cache', 'zoo', 'resnet18_uniform8');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(caseA, 'checkpoint.pth.tar'), join(dir, 'checkpoint.pth.tar'));
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        schema: 1,
        model: 'resnet18_uniform8',
        fileId: 'x',
        source: { kind: 'import', file: 'x.tar.gz' },
        archive: { bytes: 1, sha256: 'x' },
        checkpoint: 'checkpoint.pth.tar',
        files: [],
        installedAt: new Date(0).toISOString(),
      }),
    );
    const r = zoo(['inspect', 'resnet18_uniform8', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).tensors['state_dict/module.quant_input.x_min'].shape).toEqual([1]);
  });

  it('bad input: one line on stderr, non-zero exit, nothing on stdout', () => {
    const bad = join(tmp, 'bad.pth');
    writeFileSync(bad, 'not a checkpoint at all');
    const r = zoo(['inspect', bad, '--json']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `zoo: ${bad}: not a PyTorch checkpoint (neither a torch.save zip archive nor the legacy magic number)\n`,
    );
    const unknown = zoo(['inspect', 'resnet18_unifrom8']);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/resnet18_uniform8/);
  });
});
