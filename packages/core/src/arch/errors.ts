/** Thrown when an architecture name is not one this package can describe. */
export class UnknownArchError extends Error {
  constructor(
    readonly arch: string,
    readonly known: readonly string[],
  ) {
    super(`unknown architecture '${arch}': expected one of ${known.join(', ')}`);
    this.name = 'UnknownArchError';
  }
}
