// A loopback Google Drive. Three listeners stand in for the three hosts of the real protocol —
// drive.google.com, drive.usercontent.google.com and accounts.google.com — so every redirect is
// an absolute URL to another origin, as on the real service.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import {
  DOWNLOAD_DISABLED_PAGE,
  documentPage,
  legacyWarningPage,
  NOT_FOUND_PAGE,
  QUOTA_PAGE,
  rateLimitJson,
  SIGN_IN_PAGE,
  UNKNOWN_PAGE,
  warningPage,
  warningPage2023,
} from './pages.js';
import type { ScenarioName } from './scenarios.js';

export interface FakeFile {
  /** The file's content, or `path` to stream it from (large archives). */
  bytes?: Uint8Array;
  path?: string;
  /** Attachment name (default `<id>.tar.gz`). */
  name?: string;
  /** Default `small`. */
  scenario?: ScenarioName;
}

export interface FakeDriveOptions {
  files: Record<string, FakeFile> | Map<string, FakeFile>;
  host?: string;
  /** Port of the drive.google.com stand-in (0 = any free port). The other two always use 0. */
  port?: number;
  /** Limit file bodies to this many bytes per second (to interrupt a download midway). */
  throttleBytesPerSec?: number;
  /** `truncated`: bytes sent before the socket is closed (default: half) and how often (default 1). */
  truncateAfter?: number;
  truncateTimes?: number;
  /** `rate-limit`: how many 429s (default 2) and their Retry-After seconds (default 1). */
  rateLimitTimes?: number;
  retryAfterSeconds?: number;
}

export type HostRole = 'drive' | 'usercontent' | 'accounts';

export interface LoggedRequest {
  role: HostRole;
  method: string;
  /** Path and query as received. */
  path: string;
  range?: string;
  cookie?: string;
  status: number;
  /** Body bytes written for file responses. */
  bodyBytes?: number;
}

export interface FakeDrive {
  /** Origin of the drive.google.com stand-in: what HAWQ_DRIVE_URL should be. */
  url: string;
  usercontentUrl: string;
  accountsUrl: string;
  requestLog: LoggedRequest[];
  /** The usercontent URL that answers the file directly (for `curl` baselines). */
  fileUrl(id: string): string;
  close(): Promise<void>;
}

interface FileState {
  id: string;
  file: FakeFile;
  scenario: ScenarioName;
  size: number;
  /** uuid → `at` token issued with it. */
  issued: Map<string, string>;
  legacyToken: string;
  truncations: number;
  rateLimited: number;
  apiLimited: number;
}

const HTML = 'text/html; charset=utf-8';
const NEEDS_CONFIRM = new Set<ScenarioName>([
  'large',
  'shortcut-rejected',
  'extra-hidden-fields',
  'quota-after-confirm',
  'endless-confirm',
]);

export async function startFakeDrive(opts: FakeDriveOptions): Promise<FakeDrive> {
  const host = opts.host ?? '127.0.0.1';
  const files = new Map<string, FileState>();
  const entries = opts.files instanceof Map ? [...opts.files] : Object.entries(opts.files);
  for (const [id, file] of entries) {
    const size = file.bytes ? file.bytes.length : file.path ? (await stat(file.path)).size : 0;
    if (!file.bytes && !file.path) throw new Error(`fake file ${id} has neither bytes nor path`);
    files.set(id, {
      id,
      file,
      scenario: file.scenario ?? 'small',
      size,
      issued: new Map(),
      legacyToken: `hMP-${randomUUID().slice(0, 8)}`,
      truncations: 0,
      rateLimited: 0,
      apiLimited: 0,
    });
  }
  const requestLog: LoggedRequest[] = [];
  const origins = { drive: '', usercontent: '', accounts: '' };

  const handle = (role: HostRole) => (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origins[role]);
    const entry: LoggedRequest = {
      role,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status: 0,
    };
    if (req.headers.range) entry.range = req.headers.range;
    if (req.headers.cookie) entry.cookie = req.headers.cookie;
    requestLog.push(entry);
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      entry.status = status;
      res.writeHead(status, {
        'content-type': HTML,
        'content-length': Buffer.byteLength(body),
        ...headers,
      });
      res.end(body);
    };
    const redirect = (status: number, location: string) => send(status, '', { location });
    const route =
      role === 'drive' ? driveRoute : role === 'usercontent' ? usercontentRoute : accountsRoute;
    req.resume();
    route(url, req, res, { send, redirect, entry }).catch((err: unknown) => {
      if (!res.headersSent) send(500, String(err));
      else res.destroy();
    });
  };

  interface Reply {
    send: (status: number, body: string, headers?: Record<string, string>) => void;
    redirect: (status: number, location: string) => void;
    entry: LoggedRequest;
  }

  const issue = (state: FileState) => {
    const uuid = randomUUID();
    const at = `AB6Bw${randomUUID().replace(/-/g, '').slice(0, 16)}:${Date.now()}`;
    state.issued.set(uuid, at);
    return { uuid, at };
  };

  async function driveRoute(url: URL, req: IncomingMessage, res: ServerResponse, r: Reply) {
    const doc = /^\/document\/d\/([^/]+)\/(edit|export)$/.exec(url.pathname);
    if (doc) {
      if (doc[2] === 'edit') return r.send(200, documentPage(doc[1]!));
      const body = 'PK fake docx';
      return r.send(200, body, {
        'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'content-disposition': `attachment; filename="Untitled.docx"; filename*=UTF-8''Untitled.docx`,
      });
    }
    if (url.pathname !== '/uc') return r.send(404, NOT_FOUND_PAGE);
    const id = url.searchParams.get('id') ?? '';
    const state = files.get(id);
    if (!state) return r.send(404, NOT_FOUND_PAGE);
    const q = url.searchParams;
    switch (state.scenario) {
      case 'native-doc':
        return r.redirect(302, `${origins.drive}/document/d/${id}/edit`);
      case 'api-quota':
        return r.send(403, rateLimitJson('downloadQuotaExceeded'), {
          'content-type': 'application/json; charset=UTF-8',
        });
      case 'api-rate-limit':
        if (state.apiLimited++ < 1) {
          return r.send(403, rateLimitJson('rateLimitExceeded'), {
            'content-type': 'application/json; charset=UTF-8',
          });
        }
        break;
      case 'legacy-cookie': {
        const cookie = `download_warning_13058876669334088843_${id}=${state.legacyToken}`;
        if (q.get('confirm') === state.legacyToken && (req.headers.cookie ?? '').includes(cookie)) {
          return r.redirect(
            302,
            `${origins.usercontent}/docs/securesc/ha0ro937gcuc7l7deffksulhg5h7mbp1/${id}?e=download`,
          );
        }
        return r.send(
          200,
          legacyWarningPage({ id, name: fileName(id, state), token: state.legacyToken }),
          {
            'set-cookie': `${cookie.split('=')[0]}=${state.legacyToken}; Path=/uc; HttpOnly`,
          },
        );
      }
      case 'variant-2023': {
        const uuid = q.get('uuid') ?? '';
        if (q.get('confirm') === 't' && state.issued.get(uuid) === q.get('at')) {
          return serveFile(req, res, state, r.entry);
        }
        const t = issue(state);
        const action = `${origins.drive}/uc?id=${id}&export=download&confirm=t&uuid=${t.uuid}&at=${t.at}`;
        return r.send(200, warningPage2023({ id, name: fileName(id, state), action }));
      }
      default:
        break;
    }
    const next = new URL('/download', origins.usercontent);
    next.searchParams.set('id', id);
    if (q.get('export') === 'download') next.searchParams.set('export', 'download');
    if (state.scenario === 'shortcut-rejected') next.searchParams.set('confirm', 't');
    return r.redirect(303, next.toString());
  }

  async function usercontentRoute(url: URL, req: IncomingMessage, res: ServerResponse, r: Reply) {
    const legacy = /^\/docs\/securesc\/[^/]+\/([^/]+)$/.exec(url.pathname);
    const id = legacy ? legacy[1]! : (url.searchParams.get('id') ?? '');
    const state = files.get(id);
    if (!state || (!legacy && url.pathname !== '/download')) return r.send(404, NOT_FOUND_PAGE);
    if (legacy) return serveFile(req, res, state, r.entry);
    const q = url.searchParams;
    switch (state.scenario) {
      case 'private': {
        const cont = encodeURIComponent(url.toString());
        return r.redirect(
          302,
          `${origins.accounts}/ServiceLogin?service=wise&passive=1209600&continue=${cont}&followup=${cont}`,
        );
      }
      case 'not-found':
        return r.send(404, NOT_FOUND_PAGE);
      case 'download-disabled':
        return r.send(403, DOWNLOAD_DISABLED_PAGE);
      case 'unknown-page':
        return r.send(200, UNKNOWN_PAGE);
      case 'quota':
        return r.send(200, QUOTA_PAGE);
      case 'rate-limit':
        if (state.rateLimited++ < (opts.rateLimitTimes ?? 2)) {
          return r.send(429, '<html><body>Too Many Requests</body></html>', {
            'retry-after': String(opts.retryAfterSeconds ?? 1),
          });
        }
        return serveFile(req, res, state, r.entry);
      default:
        break;
    }
    if (!NEEDS_CONFIRM.has(state.scenario)) return serveFile(req, res, state, r.entry);

    const uuid = q.get('uuid') ?? '';
    const at = state.issued.get(uuid);
    const extra = state.scenario === 'extra-hidden-fields';
    const confirmed =
      q.get('confirm') === 't' &&
      at !== undefined &&
      (!extra || (q.get('authuser') === '0' && q.get('at') === at));
    if (confirmed && state.scenario === 'quota-after-confirm') return r.send(200, QUOTA_PAGE);
    if (confirmed && state.scenario !== 'endless-confirm')
      return serveFile(req, res, state, r.entry);
    const t = issue(state);
    const hidden: [string, string][] = [
      ['id', id],
      ['export', 'download'],
    ];
    if (extra) hidden.push(['authuser', '0']);
    hidden.push(['confirm', 't'], ['uuid', t.uuid]);
    if (extra) hidden.push(['at', t.at]);
    return r.send(
      200,
      warningPage({
        id,
        name: fileName(id, state),
        size: humanSize(state.size),
        action: `${origins.usercontent}/download`,
        hidden,
      }),
    );
  }

  async function accountsRoute(url: URL, _req: IncomingMessage, _res: ServerResponse, r: Reply) {
    if (url.pathname === '/ServiceLogin')
      return r.redirect(302, `${origins.accounts}/v3/signin/identifier`);
    return r.send(200, SIGN_IN_PAGE);
  }

  /** The file: 200, or 206/416 for `Range: bytes=N-`, with Drive's attachment headers. */
  async function serveFile(
    req: IncomingMessage,
    res: ServerResponse,
    state: FileState,
    entry: LoggedRequest,
  ) {
    const total = state.size;
    const name = fileName(state.id, state);
    const headers: Record<string, string> = {
      'content-type': 'application/x-gzip',
      'content-disposition': `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'last-modified': new Date(Date.UTC(2020, 11, 23)).toUTCString(),
      'access-control-allow-origin': '*',
    };
    let start = 0;
    let status = 200;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && state.scenario !== 'range-ignored') {
      headers['accept-ranges'] = 'bytes';
      start = Number(range[1]);
      if (start >= total) {
        entry.status = 416;
        res.writeHead(416, { 'content-range': `bytes */${total}`, 'content-length': 0 });
        return void res.end();
      }
      status = 206;
      headers['content-range'] = `bytes ${start}-${total - 1}/${total}`;
    } else if (state.scenario !== 'range-ignored') {
      headers['accept-ranges'] = 'bytes';
    }
    headers['content-length'] = String(total - start);
    entry.status = status;
    res.writeHead(status, headers);

    let limit = total - start;
    let cut = false;
    if (state.scenario === 'truncated' && state.truncations < (opts.truncateTimes ?? 1)) {
      state.truncations++;
      limit = Math.min(limit, opts.truncateAfter ?? Math.floor(total / 2));
      cut = true;
    }
    entry.bodyBytes = 0;
    const fast = !cut && !opts.throttleBytesPerSec;
    if (fast && state.file.path) {
      await pipeline(
        createReadStream(state.file.path, { start, highWaterMark: 1 << 20 }),
        res,
      ).catch(() => undefined);
      entry.bodyBytes = total - start;
      return;
    }
    const chunk = opts.throttleBytesPerSec
      ? Math.max(1024, Math.floor(opts.throttleBytesPerSec / 20))
      : 1 << 16;
    const source = state.file.path
      ? createReadStream(state.file.path, { start, end: start + limit - 1, highWaterMark: chunk })
      : chunks(state.file.bytes!, start, start + limit, chunk);
    for await (const piece of source) {
      if (res.destroyed) return;
      const buf = piece as Buffer;
      entry.bodyBytes += buf.length;
      const ok = res.write(buf);
      if (opts.throttleBytesPerSec) await delay((buf.length / opts.throttleBytesPerSec) * 1000);
      else if (!ok) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    if (cut) {
      // Let the bytes leave, then drop the connection short of Content-Length.
      await new Promise<void>((resolve) => res.write('', () => resolve()));
      res.socket?.destroy();
      return;
    }
    res.end();
  }

  const servers: Server[] = [];
  const listen = async (role: HostRole, port: number) => {
    const server = createServer(handle(role));
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const addr = server.address() as AddressInfo;
    origins[role] = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
  };
  await listen('drive', opts.port ?? 0);
  await listen('usercontent', 0);
  await listen('accounts', 0);

  return {
    url: origins.drive,
    usercontentUrl: origins.usercontent,
    accountsUrl: origins.accounts,
    requestLog,
    fileUrl: (id) => `${origins.usercontent}/download?id=${id}&export=download`,
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}

function* chunks(bytes: Uint8Array, start: number, end: number, size: number): Generator<Buffer> {
  for (let i = start; i < end; i += size) {
    yield Buffer.from(bytes.buffer, bytes.byteOffset + i, Math.min(size, end - i));
  }
}

function fileName(id: string, state: FileState): string {
  return state.file.name ?? `${id}.tar.gz`;
}

function humanSize(bytes: number): string {
  return bytes >= 1 << 20
    ? `${Math.round(bytes / (1 << 20))}M`
    : `${Math.max(1, Math.round(bytes / 1024))}k`;
}
