export * from './terms.ts';
export * from './field-errors.ts';
