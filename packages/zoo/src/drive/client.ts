// Walks Google Drive's download protocol up to the response that IS the file:
// uc?export=download → 303 → drive.usercontent → (virus-scan form | legacy cookie + confirm link)
// → attachment. Redirects are followed by hand (cookies, loop bounds, sign-in detection).
import type { Readable } from 'node:stream';
import { type Dispatcher, request } from 'undici';
import { bulkReadAgent } from '../download/bulk-agent.js';
import {
  attachmentFilename,
  isAttachment,
  parseUnsatisfiedRange,
} from '../download/content-range.js';
import { parseRetryAfter } from '../download/retry.js';
import {
  DriveConfirmLoopError,
  type DriveContext,
  DriveDownloadDisabledError,
  DriveHttpError,
  DriveNativeDocumentError,
  DriveNotFoundError,
  DrivePrivateError,
  DriveQuotaError,
  DriveRateLimitError,
  DriveRedirectLoopError,
  DriveUnknownPageError,
  NetworkError,
  ZooError,
} from '../errors.js';
import { CookieJar } from './cookies.js';
import { classifyPage, isSignInUrl } from './pages.js';

/** A browser-like UA; Drive has been reported to serve fewer interstitials to browsers. */
export const DEFAULT_USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36';

/** Pages are one line of a few KB; anything this large without an attachment header is not a page we know. */
const MAX_PAGE_BYTES = 1 << 20;

export interface DriveClientOptions {
  context: DriveContext;
  /** The first URL (from `firstRequestUrl`). */
  startUrl: string;
  /** Bytes already on disk; when > 0 the file URL is requested again with `Range: bytes=N-`. */
  offset: number;
  maxConfirmRounds?: number;
  maxRedirects?: number;
  userAgent?: string;
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
  jar?: CookieJar;
  /** Called for every request made (URL, and the Range header if any). */
  onRequest?: (url: string, range: string | undefined) => void;
}

export type DriveAnswer =
  | {
      kind: 'file';
      status: number;
      url: string;
      headers: Record<string, string | string[] | undefined>;
      body: Readable;
      /** Whether `Range: bytes=offset-` was sent on this request. */
      rangeSent: boolean;
      filename?: string;
    }
  | { kind: 'range-not-satisfiable'; url: string; total?: number };

function header(
  h: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

export async function openDriveFile(opts: DriveClientOptions): Promise<DriveAnswer> {
  const maxRounds = opts.maxConfirmRounds ?? 3;
  const maxRedirects = opts.maxRedirects ?? 5;
  const jar = opts.jar ?? new CookieJar();
  let url = opts.startUrl;
  let rangeSent = false;
  let rounds = 0;
  let hops = 0;

  for (;;) {
    const ctx: DriveContext = { ...opts.context, url };
    const range = rangeSent ? `bytes=${opts.offset}-` : undefined;
    opts.onRequest?.(url, range);
    const headers: Record<string, string> = {
      'user-agent': opts.userAgent ?? DEFAULT_USER_AGENT,
      accept: '*/*',
      'accept-encoding': 'identity',
    };
    const cookie = jar.header(url);
    if (cookie) headers.cookie = cookie;
    if (range) headers.range = range;

    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'GET',
        headers,
        signal: opts.signal,
        dispatcher: opts.dispatcher ?? bulkReadAgent(),
      });
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      throw new NetworkError(ctx, err);
    }
    const status = res.statusCode;
    jar.store(url, res.headers['set-cookie']);

    if (status >= 300 && status < 400 && header(res.headers, 'location')) {
      await discard(res.body);
      const next = new URL(header(res.headers, 'location')!, url).toString();
      if (++hops > maxRedirects) throw new DriveRedirectLoopError(ctx, hops);
      // A private file bounces to accounts.google.com; no need to fetch the sign-in page.
      if (isSignInUrl(next)) throw new DrivePrivateError({ ...ctx, url: next });
      url = next;
      continue;
    }
    if (status === 416) {
      await discard(res.body);
      return {
        kind: 'range-not-satisfiable',
        url,
        total: parseUnsatisfiedRange(header(res.headers, 'content-range')),
      };
    }
    if (status === 429 || status >= 500) {
      await discard(res.body);
      throw new DriveHttpError(ctx, status, parseRetryAfter(header(res.headers, 'retry-after')));
    }
    if (status >= 200 && status < 300 && isAttachment(header(res.headers, 'content-disposition'))) {
      if (opts.offset > 0 && !rangeSent) {
        // The file URL is known only now: ask it again for the missing tail.
        drop(res.body);
        rangeSent = true;
        continue;
      }
      const filename = attachmentFilename(header(res.headers, 'content-disposition'));
      return {
        kind: 'file',
        status,
        url,
        headers: res.headers,
        body: res.body,
        rangeSent,
        ...(filename ? { filename } : {}),
      };
    }

    const body = await readCapped(res.body, ctx);
    const verdict = classifyPage({
      status,
      url,
      contentType: header(res.headers, 'content-type') ?? '',
      body,
    });
    switch (verdict.kind) {
      case 'confirm':
        if (++rounds > maxRounds) throw new DriveConfirmLoopError(ctx, rounds - 1);
        url = verdict.url;
        continue;
      case 'quota':
        throw new DriveQuotaError(ctx, verdict.message);
      case 'private':
        throw new DrivePrivateError(ctx);
      case 'not-found':
        throw new DriveNotFoundError(ctx);
      case 'download-disabled':
        throw new DriveDownloadDisabledError(ctx);
      case 'native-document':
        throw new DriveNativeDocumentError(ctx);
      case 'api-error':
        throw new DriveRateLimitError(ctx, verdict.reason, verdict.retryable);
      case 'unknown':
        throw new DriveUnknownPageError(ctx, status, verdict.excerpt);
    }
  }
}

/** Abandons a body mid-way (the connection is closed); its abort error is expected. */
export function drop(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Drains a small body so the connection can be reused; errors do not matter here. */
async function discard(body: Dispatcher.ResponseData['body']): Promise<void> {
  await body.dump({ limit: 64 * 1024 }).catch(() => undefined);
}

async function readCapped(body: Readable, ctx: DriveContext): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= MAX_PAGE_BYTES) break;
    }
  } catch (err) {
    if (err instanceof ZooError || (err instanceof Error && err.name === 'AbortError')) throw err;
    throw new NetworkError(ctx, err);
  } finally {
    drop(body);
  }
  return Buffer.concat(chunks).toString('utf8');
}
