export const placeholder = 'checkpoint';
