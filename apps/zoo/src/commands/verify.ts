// `zoo verify NAME…`: re-hash every extracted file against its manifest entry.
import { type VerifyReport, verifyModel } from '@hawq-ts/zoo';
import type { Command } from 'commander';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('re-hash the extracted files of installed models against their manifest')
    .argument('<names...>', 'model names')
    .option('--json', 'print a JSON array of reports on stdout')
    .action(async (names: string[], flags: { json?: boolean }) => {
      const reports: VerifyReport[] = [];
      for (const name of names) reports.push(await verifyModel(name));
      if (flags.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
      for (const report of reports) {
        const bad = report.files.filter((f) => f.status !== 'ok');
        const out = flags.json ? process.stderr : process.stdout;
        if (bad.length === 0) {
          out.write(`ok ${report.model}: ${report.files.length} file(s) match the manifest\n`);
          continue;
        }
        for (const f of bad) {
          const detail =
            f.status === 'size-mismatch'
              ? ` (${f.actual} bytes, manifest says ${f.expected})`
              : f.status === 'hash-mismatch'
                ? ` (sha256 ${f.actual.slice(0, 12)}…, manifest says ${f.expected.slice(0, 12)}…)`
                : '';
          process.stderr.write(`zoo: ${report.model}: ${f.path} ${f.status}${detail}\n`);
        }
        process.stderr.write(
          `zoo: ${report.model} is damaged (${bad.length} of ${report.files.length} files); ` +
            `run \`pnpm zoo fetch --force ${report.model}\`\n`,
        );
        process.exitCode = 1;
      }
    });
}
