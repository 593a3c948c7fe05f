/** A case directory that cannot be checked (missing/invalid manifest or file). */
export class GoldenCaseError extends Error {
  override name = 'GoldenCaseError';
}
