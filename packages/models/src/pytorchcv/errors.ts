/** A state_dict that does not fit the model: missing/unexpected keys or wrong shapes. */
export class StateDictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateDictError';
  }
}

/** An input tensor the model cannot take (layout, channel count or spatial size). */
export class ModelInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelInputError';
  }
}
