// e2e: `zoo inspect` checks zoo checkpoints against their bit scheme (node dist/cli.js; turbo
// builds before testing). A mislabelled install — the golden uniform8 checkpoint filed as
// resnet18_uniform4 — must warn; the right label and plain files without flags stay quiet.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const cli = resolve(here, '../dist/cli.js');
const golden = [process.env.HAWQ_GOLDEN_DIR, resolve(here, '../../../../shared/golden')]
  .filter((d): d is string => !!d)
  .find((d) => existsSync(join(d, 'README.md')));
const tmp = mkdtempSync(join(tmpdir(), 'zoo-inspect-scheme-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function zoo(args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, HAWQ_CACHE_DIR: join(tmp, 'cache') },
  });
}

/** Installs `checkpoint` as zoo model `name` (a manifest like `zoo import` writes). */
function install(name: string, checkpoint: string): string {
  const dir = join(tmp, 'cache', 'zoo', name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(checkpoint, join(dir, 'checkpoint.pth.tar'));
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      schema: 1,
      model: name,
      fileId: 'x',
      source: { kind: 'import', file: `${name}.tar.gz` },
      archive: { bytes: 1, sha256: 'x' },
      checkpoint: 'checkpoint.pth.tar',
      files: [],
      installedAt: new Date(0).toISOString(),
    }),
  );
  return join(dir, 'checkpoint.pth.tar');
}

describe.skipIf(!golden)('zoo inspect scheme check', () => {
  const a = join(golden as string, 'a_resnet18_uniform8', 'checkpoint.pth.tar');
  const b = join(golden as string, 'b_resnet18_uniform4', 'checkpoint.pth.tar');

  it('a correctly labelled zoo model passes; --json carries schemeCheck', () => {
    install('resnet18_uniform8', a);
    const r = zoo(['inspect', 'resnet18_uniform8', '--json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      'zoo: scheme check: fits resnet18/uniform8 (21 weight_integer tensors, 27 activation scales)\n',
    );
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['file', 'format', 'tensors', 'values', 'schemeCheck']);
    expect(doc.schemeCheck).toMatchObject({ arch: 'resnet18', scheme: 'uniform8', ok: true });
  });

  it('a uniform8 checkpoint installed as resnet18_uniform4 warns, by name and by file', () => {
    const file = install('resnet18_uniform4', a);
    for (const target of ['resnet18_uniform4', file]) {
      const r = zoo(['inspect', target, '--json']);
      expect(r.status).toBe(0); // a warning, not an error: the file is readable
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(
        /^zoo: warning: resnet18\/uniform4: 19 weight_integer tensor\(s\) exceed their bit range \(e\.g\. stage1\.unit1\.quant_convbn1: 4-bit layer has values in \[-?\d+, \d+\], outside \[-8, 7\]\)$/,
      );
      expect(lines[1]).toMatch(/does not fit resnet18\/uniform4: 19 problem\(s\) in 1 category;/);
      expect(JSON.parse(r.stdout).schemeCheck).toMatchObject({
        ok: false,
        counts: { 'weight-out-of-range': 19 },
      });
    }
  });

  it('--scheme/--arch check a plain file; without them a plain file is not checked', () => {
    const r = zoo(['inspect', b, '--scheme', 'uniform8', '--arch', 'resnet18']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/19 weight_integer tensor\(s\) fit in fewer bits than configured/);
    expect(r.stdout).toMatch(/tensors, [\d,]+ parameters/);
    const ok = zoo(['inspect', b, '--scheme', 'uniform4', '--arch', 'resnet18', '--json']);
    expect(JSON.parse(ok.stdout).schemeCheck.ok).toBe(true);
    const plain = zoo(['inspect', b, '--json']);
    expect(plain.stderr).toBe('');
    expect(JSON.parse(plain.stdout).schemeCheck).toBeUndefined();
  });

  it('bad flags: one line, exit 2', () => {
    const half = zoo(['inspect', b, '--scheme', 'uniform4']);
    expect(half.status).toBe(2);
    expect(half.stderr).toBe('zoo: --scheme and --arch go together (see `pnpm zoo --help`)\n');
    const unknown = zoo(['inspect', b, '--scheme', 'uniform5', '--arch', 'resnet18']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(
      /^zoo: --arch\/--scheme: no HAWQ bit config 'resnet18' \/ 'uniform5'; nearest: .*\n$/,
    );
    expect(unknown.stdout).toBe('');
  });
});
