export const hello = (): string => 'zoo';
