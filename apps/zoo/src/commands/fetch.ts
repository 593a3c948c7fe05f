// `zoo fetch NAME… | --all`: download, verify and install models (resumable; safe to run twice).
import { fetchModel, resolveModel, ZOO_MODELS, type ZooModel } from '@hawq-ts/zoo';
import type { Command } from 'commander';
import { EXIT_INTERRUPTED, errorJson, reportError, UsageError } from '../errors.js';
import { interruptSignal } from '../interrupt.js';
import { createReporter } from '../progress.js';

interface FetchFlags {
  all?: boolean;
  force?: boolean;
  quiet?: boolean;
  json?: boolean;
}

type Outcome =
  | {
      model: string;
      ok: true;
      dir: string;
      cached: boolean;
      bytes: number;
      sha256: string;
      downloadedBytes: number;
    }
  | { model: string; ok: false; error: { code: string; message: string } };

export function registerFetch(program: Command): void {
  program
    .command('fetch')
    .description('download models from Google Drive into the cache ($HAWQ_CACHE_DIR)')
    .argument('[names...]', 'model names, e.g. resnet18_bops0.5 (bit_config spellings work too)')
    .option('--all', 'fetch all 27 models')
    .option('--force', 'download again even if installed')
    .option('-q, --quiet', 'no progress output')
    .option('--json', 'print a JSON result document on stdout')
    .action(async (names: string[], flags: FetchFlags) => {
      if (flags.all && names.length > 0)
        throw new UsageError('give model names or --all, not both');
      if (!flags.all && names.length === 0)
        throw new UsageError('give at least one model name, or --all');
      // Resolve every name first: a typo fails before anything is downloaded.
      const models: ZooModel[] = flags.all ? [...ZOO_MODELS] : names.map(resolveModel);
      const reporter = createReporter({
        quiet: Boolean(flags.quiet),
        tty: process.stderr.isTTY === true,
      });
      const interrupt = interruptSignal();
      const outcomes: Outcome[] = [];
      try {
        for (const model of models) {
          if (interrupt.signal.aborted) break;
          try {
            const r = await fetchModel(model.name, {
              signal: interrupt.signal,
              onEvent: (e) => reporter.onEvent(e),
            });
            outcomes.push({
              model: r.model,
              ok: true,
              dir: r.dir,
              cached: r.cached,
              bytes: r.manifest.archive.bytes,
              sha256: r.manifest.archive.sha256,
              downloadedBytes: r.downloadedBytes,
            });
          } catch (err) {
            reporter.close();
            process.exitCode = reportError(err);
            outcomes.push({ model: model.name, ok: false, error: errorJson(err) });
          }
        }
      } finally {
        reporter.close();
        interrupt.dispose();
      }
      if (interrupt.signal.aborted) process.exitCode = EXIT_INTERRUPTED;
      if (flags.json) {
        const ok = outcomes.length === models.length && outcomes.every((o) => o.ok);
        process.stdout.write(`${JSON.stringify({ ok, models: outcomes }, null, 2)}\n`);
      } else {
        for (const o of outcomes) if (o.ok) process.stdout.write(`${o.dir}\n`);
      }
    });
}
