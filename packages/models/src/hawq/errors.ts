/** Raised when a state_dict or bit config does not fit a HAWQ Q-model. */
export class QModelError extends Error {
  override name = 'QModelError';
}
