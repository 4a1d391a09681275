export * from './bus.ts';
export * from './connect.ts';
export * from './embedded.ts';
export * from './migrate.ts';
export * from './resolve.ts';
export * from './consumer.ts';
