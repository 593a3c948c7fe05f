// The scenarios of gdrive-protocol.md §6 (row numbers in brackets).

export const SCENARIOS = [
  'small', // [1] 303 → usercontent → 200 file (Range honoured, as [11])
  'large', // [2] virus-scan form with a fresh uuid; file only with an issued uuid
  'shortcut-rejected', // [3] first hop already carries confirm=t but no uuid → form again
  'extra-hidden-fields', // [4] form also has authuser=0 and at=…; all required
  'variant-2023', // [5] uc → page whose POST action carries uuid and at; no hidden inputs
  'legacy-cookie', // [6] download_warning cookie + confirm token link → 302 → file
  'quota', // [7] quota page instead of the file (step 2)
  'quota-after-confirm', // [7] quota page after the virus-scan confirm (step 3)
  'private', // [8] 302 to accounts ServiceLogin → sign-in page
  'not-found', // [9] 404 page
  'download-disabled', // [10] 403 "Can't download file"
  'range', // [11] explicit: 206 + Content-Range, 416 past the end
  'range-ignored', // [12] Range answered with 200 and the whole file
  'truncated', // [13] Content-Length L, socket closed after k < L bytes (once, then normal)
  'native-doc', // [14] uc → redirect to /document/d/ID/edit; export → .docx
  'unknown-page', // [15] 200 HTML with neither form nor error class
  'rate-limit', // [16] 429 + Retry-After (twice, then normal)
  'api-rate-limit', // [16] 403 JSON rateLimitExceeded (once, then normal)
  'api-quota', // [16] 403 JSON downloadQuotaExceeded (always)
  'endless-confirm', // [17] every confirm returns a new warning page
] as const;

export type ScenarioName = (typeof SCENARIOS)[number];

export function isScenario(name: string): name is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(name);
}
