// Drive's HTML pages as captured (gdrive-protocol.md §2–§3): one line, UTF-8, no Content-Disposition.

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The 2024+ virus-scan warning with its GET form and hidden inputs. */
export function warningPage(opts: {
  id: string;
  name: string;
  size: string;
  action: string;
  hidden: [string, string][];
}): string {
  const inputs = opts.hidden
    .map(([n, v]) => `<input type="hidden" name="${esc(n)}" value="${esc(v)}">`)
    .join('');
  return (
    '<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title><meta http-equiv="content-type" content="text/html; charset=utf-8"/></head><body>' +
    `<div class="uc-main"><div id="uc-text"><p class="uc-warning-caption">Google Drive can't scan this file for viruses.</p><p class="uc-warning-subcaption"><span class="uc-name-size"><a href="/open?id=${esc(opts.id)}">${esc(opts.name)}</a> (${esc(opts.size)})</span> is too large for Google to scan for viruses. Would you still like to download this file?</p>` +
    `<form id="download-form" action="${esc(opts.action)}" method="get"><input type="submit" id="uc-download-link" class="goog-inline-block jfk-button jfk-button-action" value="Download anyway"/>${inputs}</form></div></div></body></html>`
  );
}

/** Late-2023 variant: uuid/at inside the action, POST, only a (localized) submit input. */
export function warningPage2023(opts: { id: string; name: string; action: string }): string {
  return (
    '<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title></head><body>' +
    `<p class="uc-warning-subcaption"><span class="uc-name-size"><a href="/open?id=${esc(opts.id)}">${esc(opts.name)}</a></span></p>` +
    `<form id="download-form" action="${esc(opts.action)}" method="post"><input type="submit" id="uc-download-link" value="仍要下載"/></form></body></html>`
  );
}

/** Pre-2024 page: confirm token in a link (and in a cookie). */
export function legacyWarningPage(opts: { id: string; name: string; token: string }): string {
  return (
    '<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title></head><body>' +
    `<div class="uc-main"><span class="uc-name-size"><a href="/open?id=${esc(opts.id)}">${esc(opts.name)}</a></span> is too large for Google to scan for viruses. ` +
    `<a id="uc-download-link" class="goog-inline-block jfk-button jfk-button-action" href="/uc?export=download&amp;confirm=${esc(opts.token)}&amp;id=${esc(opts.id)}">Download anyway</a></div></body></html>`
  );
}

export const QUOTA_PAGE =
  '<!DOCTYPE html><html><head><title>Google Drive - Quota exceeded</title></head><body><div class="uc-main"><div id="uc-text">' +
  '<p class="uc-error-caption">Sorry, you can&#39;t view or download this file at this time.</p>' +
  '<p class="uc-error-subcaption">Too many users have viewed or downloaded this file recently. Please try accessing the file again later. If the file you are trying to access is particularly large or is shared with many people, it may take up to 24 hours to be able to view or download the file. If you still can&#39;t access a file after 24 hours, contact your domain administrator.</p>' +
  '</div></div></body></html>';

export const SIGN_IN_PAGE =
  '<!DOCTYPE html><html lang="en"><head><title>Sign in – Google Accounts</title></head><body><div id="initialView"><h1>Sign in</h1><form method="post" action="/v3/signin/identifier"><input type="email" name="identifier"></form></div></body></html>';

export const NOT_FOUND_PAGE =
  '<!DOCTYPE html><html lang="en"><head><title>Google Drive - Page Not Found</title></head><body><div><p>Sorry, the file you have requested does not exist.</p><p>Make sure that you have the correct URL and that the file exists.</p></div></body></html>';

export const DOWNLOAD_DISABLED_PAGE =
  '<!DOCTYPE html><html><head><title>Google Drive - Can&#39;t download file</title></head><body><div class="uc-main"><p class="uc-error-caption">Sorry, the owner hasn&#39;t given you permission to download this file.</p></div></body></html>';

export const UNKNOWN_PAGE =
  '<!DOCTYPE html><html><head><title>Google Drive</title></head><body><div><p>Something went sideways. Our engineers have been notified.</p></div></body></html>';

export function documentPage(id: string): string {
  return `<!DOCTYPE html><html><head><title>Untitled document - Google Docs</title></head><body><div id="docs-editor" data-id="${esc(id)}"></div></body></html>`;
}

export function rateLimitJson(reason: string): string {
  return JSON.stringify({
    error: {
      errors: [{ domain: 'usageLimits', reason, message: 'Rate Limit Exceeded' }],
      code: 403,
      message: 'Rate Limit Exceeded',
    },
  });
}
