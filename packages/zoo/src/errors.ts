// Typed errors of the zoo. Every message is one line that names the model / file id / path
// involved and says what the user can do; the CLI prints `zoo: <message>` and exits non-zero.

export abstract class ZooError extends Error {
  /** Stable machine-readable code, also printed in `--json` results. */
  abstract readonly code: string;
  /** True when trying again later (same process, after a back-off) may succeed. */
  readonly retryable: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UnknownModelError extends ZooError {
  readonly code = 'unknown-model';
  constructor(
    readonly input: string,
    readonly suggestions: string[],
  ) {
    super(
      `unknown model '${input}'` +
        (suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : '') +
        ' (`pnpm zoo list` shows all 27)',
    );
  }
}

export class InvalidDriveUrlError extends ZooError {
  readonly code = 'invalid-drive-url';
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`cannot find a Google Drive file id in '${input}': ${reason}`);
  }
}

/** What every Drive error knows: which file, and for which model if any. */
export interface DriveContext {
  fileId: string;
  model?: string;
  url?: string;
}

function subject(ctx: DriveContext): string {
  return ctx.model ? `${ctx.model} (Drive file ${ctx.fileId})` : `Drive file ${ctx.fileId}`;
}

export function driveViewUrl(fileId: string): string {
  return `https://drive.google.com/file/d/${fileId}/view`;
}

export abstract class DriveError extends ZooError {
  constructor(
    readonly context: DriveContext,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class DriveQuotaError extends DriveError {
  readonly code = 'drive-quota';
  constructor(context: DriveContext, driveMessage: string) {
    const name = context.model ?? 'NAME';
    super(
      context,
      `Google Drive refuses ${subject(context)} for now (download quota exceeded: "${driveMessage}"); ` +
        `download it in a browser from ${driveViewUrl(context.fileId)} and run ` +
        `\`pnpm zoo import ${name} FILE.tar.gz\`, or try again in 24 h`,
    );
  }
}

export class DrivePrivateError extends DriveError {
  readonly code = 'drive-private';
  constructor(context: DriveContext) {
    super(
      context,
      `${subject(context)} is not public (Drive redirected to a Google sign-in page); ` +
        `check the id, or open ${driveViewUrl(context.fileId)} in a signed-in browser and use \`pnpm zoo import\``,
    );
  }
}

export class DriveNotFoundError extends DriveError {
  readonly code = 'drive-not-found';
  constructor(context: DriveContext) {
    super(
      context,
      `${subject(context)} does not exist on Google Drive (404: deleted, wrong id, or missing resourcekey); ` +
        `check ${driveViewUrl(context.fileId)}`,
    );
  }
}

export class DriveDownloadDisabledError extends DriveError {
  readonly code = 'drive-download-disabled';
  constructor(context: DriveContext) {
    super(
      context,
      `the owner of ${subject(context)} has disabled downloads; ` +
        `ask the owner, or get the archive elsewhere and run \`pnpm zoo import\``,
    );
  }
}

export class DriveNativeDocumentError extends DriveError {
  readonly code = 'drive-native-document';
  constructor(context: DriveContext) {
    super(
      context,
      `${subject(context)} is a Google Docs document, not a downloadable file; ` +
        `a zoo model is always a .tar.gz archive — check the id`,
    );
  }
}

export class DriveUnknownPageError extends DriveError {
  readonly code = 'drive-unknown-page';
  constructor(
    context: DriveContext,
    readonly status: number,
    readonly excerpt: string,
  ) {
    super(
      context,
      `Google Drive answered ${subject(context)} with an unrecognised page (HTTP ${status}, ` +
        `no file, no confirm form, no error message) at ${context.url ?? '?'}; ` +
        `first bytes: ${JSON.stringify(excerpt.slice(0, 200))}`,
    );
  }
}

export class DriveConfirmLoopError extends DriveError {
  readonly code = 'drive-confirm-loop';
  constructor(context: DriveContext, rounds: number) {
    super(
      context,
      `Google Drive kept asking to confirm the download of ${subject(context)} after ${rounds} rounds; ` +
        `giving up — download it in a browser from ${driveViewUrl(context.fileId)} and use \`pnpm zoo import\``,
    );
  }
}

export class DriveRedirectLoopError extends DriveError {
  readonly code = 'drive-redirect-loop';
  constructor(context: DriveContext, hops: number) {
    super(context, `too many redirects (${hops}) while downloading ${subject(context)}`);
  }
}

/** A transient HTTP failure (5xx, 429, a non-206 partial answer we cannot use); retried with back-off. */
export class DriveHttpError extends DriveError {
  readonly code = 'drive-http';
  override readonly retryable: boolean;
  constructor(
    context: DriveContext,
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(context, `HTTP ${status} from ${context.url ?? 'Google Drive'} for ${subject(context)}`);
    this.retryable = status === 429 || status >= 500;
  }
}

/** The Drive API's JSON quota answer (403 downloadQuotaExceeded and friends): not retryable now. */
export class DriveRateLimitError extends DriveError {
  readonly code = 'drive-rate-limit';
  override readonly retryable: boolean;
  constructor(
    context: DriveContext,
    readonly reason: string,
    retryable: boolean,
  ) {
    super(
      context,
      `Google Drive API refused ${subject(context)} (${reason}); ` +
        (retryable
          ? 'try again in a minute'
          : `download it in a browser from ${driveViewUrl(context.fileId)} and use \`pnpm zoo import\``),
    );
    this.retryable = retryable;
  }
}

export class NetworkError extends DriveError {
  readonly code = 'network';
  override readonly retryable = true;
  constructor(context: DriveContext, cause: unknown) {
    super(context, `network error while downloading ${subject(context)}: ${describeCause(cause)}`, {
      cause,
    });
  }
}

export class TruncatedDownloadError extends DriveError {
  readonly code = 'truncated';
  override readonly retryable = true;
  constructor(
    context: DriveContext,
    readonly received: number,
    readonly expected: number,
  ) {
    super(
      context,
      `the download of ${subject(context)} stopped at byte ${received} of ${expected}; ` +
        'the partial file is kept, run the same command again to resume',
    );
  }
}

export class RetriesExhaustedError extends DriveError {
  readonly code = 'retries-exhausted';
  constructor(
    context: DriveContext,
    attempts: number,
    readonly last: ZooError,
  ) {
    super(context, `gave up on ${subject(context)} after ${attempts} attempts: ${last.message}`, {
      cause: last,
    });
  }
}

export class DownloadAbortedError extends ZooError {
  readonly code = 'aborted';
  constructor(
    readonly model: string,
    readonly partFile?: string,
  ) {
    super(
      `download of ${model} interrupted` +
        (partFile ? `; ${partFile} is kept and the next fetch resumes from it` : ''),
    );
  }
}

export class UnsafeArchiveEntryError extends ZooError {
  readonly code = 'unsafe-archive';
  constructor(
    readonly archive: string,
    readonly entry: string,
    reason: string,
  ) {
    super(`refusing archive ${archive}: entry '${entry}' ${reason}; nothing was installed`);
  }
}

export class CorruptArchiveError extends ZooError {
  readonly code = 'corrupt-archive';
  constructor(
    readonly archive: string,
    cause: unknown,
  ) {
    super(`${archive} is not a valid .tar.gz archive: ${describeCause(cause)}`, { cause });
  }
}

export class MissingCheckpointError extends ZooError {
  readonly code = 'missing-checkpoint';
  constructor(
    readonly archive: string,
    readonly model: string,
    expected: string,
    found: string[],
  ) {
    super(
      `${archive} holds no ${expected} for ${model} (found: ${found.length > 0 ? found.join(', ') : 'no files'}); ` +
        'is it the right archive?',
    );
  }
}

export class CacheNotWritableError extends ZooError {
  readonly code = 'cache-not-writable';
  constructor(
    readonly dir: string,
    cause: unknown,
  ) {
    super(
      `cannot write to the zoo cache ${dir} (${describeCause(cause)}); ` +
        'set HAWQ_CACHE_DIR to a writable directory',
      { cause },
    );
  }
}

export class NotInstalledError extends ZooError {
  readonly code = 'not-installed';
  constructor(
    readonly model: string,
    readonly dir: string,
  ) {
    super(`${model} is not installed in ${dir}; run \`pnpm zoo fetch ${model}\``);
  }
}

export class ManifestError extends ZooError {
  readonly code = 'bad-manifest';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}; run \`pnpm zoo rm\` and fetch the model again`);
  }
}

export class ImportFileError extends ZooError {
  readonly code = 'import-file';
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`cannot read ${file}: ${describeCause(cause)}`, { cause });
  }
}

export class LockAbortedError extends ZooError {
  readonly code = 'aborted';
  constructor(readonly model: string) {
    super(`interrupted while waiting for another process fetching ${model}`);
  }
}

/** `code: message` for Node system errors, the message otherwise. */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message;
  }
  return String(cause);
}
