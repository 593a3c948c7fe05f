import { describe, expect, test } from 'vitest';
import { isAttachment, parseUnsatisfiedRange } from '../src/download/content-range.js';
import { backoffDelay } from '../src/download/retry.js';
import {
  attachmentFilename,
  defaultRetryPolicy,
  parseContentRange,
  parseRetryAfter,
} from '../src/index.js';

describe('response headers', () => {
  test('Content-Range', () => {
    expect(parseContentRange('bytes 100-208/209')).toEqual({ start: 100, end: 208, total: 209 });
    expect(parseContentRange('bytes 0-9/*')).toEqual({ start: 0, end: 9 });
    expect(parseContentRange('bytes 10-5/20')).toBeUndefined();
    expect(parseContentRange('bytes 0-20/20')).toBeUndefined();
    expect(parseContentRange(undefined)).toBeUndefined();
    expect(parseUnsatisfiedRange('bytes */209')).toBe(209);
  });

  test('Content-Disposition: attachment is the only "this is the file" signal', () => {
    expect(isAttachment('attachment; filename="a.tar.gz"')).toBe(true);
    expect(isAttachment('Attachment')).toBe(true);
    expect(isAttachment('inline; filename="a.html"')).toBe(false);
    expect(isAttachment(undefined)).toBe(false);
  });

  test('file name: filename* first, sanitised', () => {
    expect(
      attachmentFilename(
        `attachment; filename="x.tar.gz"; filename*=UTF-8''r%C3%A9sum%C3%A9.tar.gz`,
      ),
    ).toBe('résumé.tar.gz');
    expect(attachmentFilename('attachment; filename="a/b\\\\c.tar.gz"')).toBe('a_b_c.tar.gz');
    expect(attachmentFilename('attachment; filename=".."')).toBeUndefined();
  });

  test('Retry-After and back-off', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 250, maxRetryAfterMs: 1000 };
    expect(backoffDelay(policy, 1, 5000)).toBe(1000);
    for (let i = 0; i < 20; i++) {
      expect(backoffDelay(policy, 1)).toBeGreaterThanOrEqual(75);
      expect(backoffDelay(policy, 1)).toBeLessThanOrEqual(125);
      expect(backoffDelay(policy, 6)).toBeLessThanOrEqual(313);
    }
    expect(defaultRetryPolicy({ HAWQ_ZOO_BACKOFF_MS: '7' }).baseDelayMs).toBe(7);
    expect(defaultRetryPolicy({}).baseDelayMs).toBe(1000);
  });
});
