export { BackendUnavailableError, InvalidBackendError } from './errors.js';
export { BACKEND_NAMES, type BackendName, type InitBackendOptions, initBackend } from './init.js';
