export * from './record.ts';
export * from './records.ts';
export * from './store.ts';
export * from './plugin.ts';
