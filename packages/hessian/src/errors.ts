/** Base class of every error of @hawq-ts/hessian (one-line messages naming the layer/option). */
export class HessianError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A requested layer does not exist in the model, or a variable does not match its description. */
export class LayerSelectionError extends HessianError {}

/** Invalid estimator options (iterations, tolerance, batch). */
export class HessianOptionError extends HessianError {}
