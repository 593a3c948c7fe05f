/** Thrown for a backend name that is not one of BACKEND_NAMES (from an option or HAWQ_BACKEND). */
export class InvalidBackendError extends Error {
  constructor(
    readonly requested: string,
    readonly source: string,
  ) {
    super(
      `${source}: unknown backend '${requested}'; use one of auto, tensorflow-gpu, tensorflow, wasm, cpu`,
    );
    this.name = 'InvalidBackendError';
  }
}

/** Thrown when an explicitly requested backend cannot be loaded or activated. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: string,
    readonly reason: string,
  ) {
    super(`backend '${backend}' is unavailable: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}
