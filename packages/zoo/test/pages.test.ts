import { describe, expect, test } from 'vitest';
import { CookieJar } from '../src/drive/cookies.js';
import { classifyPage } from '../src/index.js';

const ID = '1DbDXYdulvvb9YOG1fRSrCVPvry_Reu8z';
const page = (body: string, over: Partial<Parameters<typeof classifyPage>[0]> = {}) =>
  classifyPage({
    status: 200,
    url: `https://drive.usercontent.google.com/download?id=${ID}&export=download`,
    contentType: 'text/html; charset=utf-8',
    body,
    ...over,
  });

describe('Drive page classification', () => {
  test('2024 virus-scan form: action + ALL hidden inputs', () => {
    const html =
      '<title>Google Drive - Virus scan warning</title><form id="download-form" action="https://drive.usercontent.google.com/download" method="get">' +
      `<input type="submit" id="uc-download-link" value="Download anyway"/><input type="hidden" name="id" value="${ID}">` +
      '<input type="hidden" name="export" value="download"><input type="hidden" name="authuser" value="0">' +
      '<input type="hidden" name="confirm" value="t"><input type="hidden" name="uuid" value="99b6f2ce"><input type="hidden" name="at" value="AB6:17"></form>';
    const v = page(html);
    expect(v.kind).toBe('confirm');
    const url = new URL((v as { url: string }).url);
    expect(url.origin + url.pathname).toBe('https://drive.usercontent.google.com/download');
    expect([...url.searchParams]).toEqual([
      ['id', ID],
      ['export', 'download'],
      ['authuser', '0'],
      ['confirm', 't'],
      ['uuid', '99b6f2ce'],
      ['at', 'AB6:17'],
    ]);
  });

  test('2023 variant: the action carries the query (&amp; decoded), relative actions resolve', () => {
    const v = page(
      `<form id="download-form" action="/uc?id=${ID}&amp;export=download&amp;confirm=t&amp;uuid=U1&amp;at=T1" method="post"><input type="submit" value="仍要下載"/></form>`,
      { url: `https://drive.google.com/uc?export=download&id=${ID}` },
    );
    expect(v).toEqual({
      kind: 'confirm',
      url: `https://drive.google.com/uc?id=${ID}&export=download&confirm=t&uuid=U1&at=T1`,
    });
  });

  test('legacy confirm link and downloadUrl JSON', () => {
    expect(
      page(
        `<a id="uc-download-link" href="/uc?export=download&amp;confirm=hMP-&amp;id=${ID}">Download anyway</a>`,
        {
          url: `https://docs.google.com/uc?export=download&id=${ID}`,
        },
      ),
    ).toEqual({
      kind: 'confirm',
      url: `https://docs.google.com/uc?export=download&confirm=hMP-&id=${ID}`,
    });
    expect(
      page(
        `<script>var x = {"downloadUrl":"https://doc-0s.example/x?e\\u003ddownload\\u0026id\\u003d${ID}"};</script>`,
      ),
    ).toEqual({ kind: 'confirm', url: `https://doc-0s.example/x?e=download&id=${ID}` });
  });

  test('quota page: the subcaption text is reported, at 200 or 403', () => {
    const html =
      '<title>Google Drive - Quota exceeded</title><p class="uc-error-caption">Sorry, you can&#39;t view or download this file at this time.</p><p class="uc-error-subcaption">Too many users have viewed or downloaded this file recently.</p>';
    expect(page(html)).toEqual({
      kind: 'quota',
      message: 'Too many users have viewed or downloaded this file recently.',
    });
    expect(page(html, { status: 403 }).kind).toBe('quota');
  });

  test('errors: not found, download disabled, sign-in, native doc, API JSON, unknown', () => {
    expect(
      page('<p>Sorry, the file you have requested does not exist.</p>', { status: 404 }).kind,
    ).toBe('not-found');
    expect(
      page('<title>Google Drive - Can&#39;t download file</title>', { status: 403 }).kind,
    ).toBe('download-disabled');
    expect(
      page('<title>Sign in</title>', {
        url: 'https://accounts.google.com/v3/signin/identifier?x=1',
      }).kind,
    ).toBe('private');
    expect(
      page('<title>Doc</title>', { url: `https://docs.google.com/document/d/${ID}/edit` }).kind,
    ).toBe('native-document');
    const json = (reason: string) =>
      page(JSON.stringify({ error: { errors: [{ domain: 'usageLimits', reason }], code: 403 } }), {
        status: 403,
        contentType: 'application/json; charset=UTF-8',
      });
    expect(json('rateLimitExceeded')).toEqual({
      kind: 'api-error',
      reason: 'rateLimitExceeded',
      retryable: true,
    });
    expect(json('downloadQuotaExceeded')).toEqual({
      kind: 'api-error',
      reason: 'downloadQuotaExceeded',
      retryable: false,
    });
    const unknown = page(
      '<html><head><title>Google Drive</title></head><body><p>Something else</p></body></html>',
    );
    expect(unknown).toEqual({
      kind: 'unknown',
      excerpt: 'Google Drive: Google Drive Something else',
    });
  });
});

describe('cookie jar (legacy protocol)', () => {
  test('sends a cookie back to its domain and path only', () => {
    const jar = new CookieJar();
    jar.store('https://docs.google.com/uc?id=x', [
      'download_warning_1_x=TOK; Domain=.docs.google.com; Path=/uc; Secure; HttpOnly',
    ]);
    expect(jar.header('https://docs.google.com/uc?export=download&confirm=TOK')).toBe(
      'download_warning_1_x=TOK',
    );
    expect(jar.header('https://docs.google.com/other')).toBeUndefined();
    expect(jar.header('https://drive.usercontent.google.com/uc')).toBeUndefined();
    jar.store('http://127.0.0.1:9/uc', 'a=1; Path=/uc');
    expect(jar.header('http://127.0.0.1:10/uc?x')).toBe('a=1');
    expect(jar.header('http://localhost:9/uc')).toBeUndefined();
  });
});
