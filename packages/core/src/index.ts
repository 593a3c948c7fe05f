// Public API of @hawq-ts/core. Each area keeps its own barrel.
export const placeholder = 'core';
