// Classifies every Drive response that is not the file (no `Content-Disposition: attachment`)
// into the next request to make or a specific error (gdrive-protocol.md §0 step 3 and §3).
import { parsePage } from './page-facts.js';

export type PageVerdict =
  | { kind: 'confirm'; url: string }
  | { kind: 'quota'; message: string }
  | { kind: 'private' }
  | { kind: 'not-found' }
  | { kind: 'download-disabled' }
  | { kind: 'native-document' }
  | { kind: 'api-error'; reason: string; retryable: boolean }
  | { kind: 'unknown'; excerpt: string };

export interface PageInput {
  status: number;
  /** URL this response answered (after the redirects so far). */
  url: string;
  contentType: string;
  body: string;
}

const QUOTA_HINT = /too many users have viewed or downloaded this file/i;
const DISABLED_HINT = /can.t download file|hasn.t given you permission to download/i;
/** Drive API reasons meaning "slow down" (retry) vs "no more today" (give up). */
const RETRYABLE_API_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

/** True when a URL is Google's sign-in flow (a private file redirects there). */
export function isSignInUrl(url: string): boolean {
  const u = new URL(url);
  return (
    u.hostname === 'accounts.google.com' ||
    /\/(ServiceLogin|signin)\b/i.test(u.pathname) ||
    /\/v3\/signin\//i.test(u.pathname)
  );
}

export function isNativeDocumentUrl(url: string): boolean {
  return /\/(document|spreadsheets|presentation)\/(u\/\d+\/)?d\//.test(new URL(url).pathname);
}

export function classifyPage(input: PageInput): PageVerdict {
  if (isSignInUrl(input.url)) return { kind: 'private' };
  if (input.status === 404) return { kind: 'not-found' };
  if (/json/i.test(input.contentType)) {
    const reason = apiErrorReason(input.body);
    if (reason) return { kind: 'api-error', reason, retryable: RETRYABLE_API_REASONS.has(reason) };
  }
  const page = parsePage(input.body);

  // Confirm form: `form#download-form` (2022-11+); `downloadForm` before that.
  const form = page.forms.find((f) => f.id === 'download-form' || f.id === 'downloadForm');
  if (form) return { kind: 'confirm', url: formTarget(input.url, form.action, form.hidden) };

  // Legacy protocol: the "download anyway" link carries the confirm token.
  const legacy = page.hrefs.find((h) => /[?&]confirm=/.test(h) && /\/uc\b/.test(h));
  if (legacy) return { kind: 'confirm', url: new URL(legacy, input.url).toString() };
  const jsonUrl = /"downloadUrl":"([^"]+)"/.exec(page.scripts);
  if (jsonUrl) {
    const unescaped = jsonUrl[1]!.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
    return { kind: 'confirm', url: new URL(unescaped, input.url).toString() };
  }

  if (DISABLED_HINT.test(page.title) || DISABLED_HINT.test(page.errorCaption)) {
    return { kind: 'download-disabled' };
  }
  if (page.errorSubcaption) return { kind: 'quota', message: page.errorSubcaption };
  if (QUOTA_HINT.test(page.text)) return { kind: 'quota', message: page.text.slice(0, 300) };
  if (isNativeDocumentUrl(input.url)) return { kind: 'native-document' };
  return {
    kind: 'unknown',
    excerpt: (page.title ? `${page.title}: ` : '') + page.text.slice(0, 1024),
  };
}

/**
 * The confirmed URL: the form's action (entities already decoded; resolved against the page,
 * keeping its own query — the 2023 variant puts uuid/at there) plus ALL hidden inputs.
 * Submitted as a GET like gdown does, also for `method="post"` forms, which Drive accepts.
 */
export function formTarget(pageUrl: string, action: string, hidden: [string, string][]): string {
  const url = new URL(action || pageUrl, pageUrl);
  for (const [name, value] of hidden) url.searchParams.set(name, value);
  return url.toString();
}

function apiErrorReason(body: string): string | undefined {
  try {
    const doc = JSON.parse(body) as { error?: { errors?: { reason?: string }[]; status?: string } };
    return doc.error?.errors?.[0]?.reason ?? doc.error?.status;
  } catch {
    return undefined;
  }
}
