export * from './assert.ts';
export * from './clock.ts';
export * from './currencies.ts';
export * from './errors.ts';
export * from './money.ts';
export * from './canonical.ts';
export * from './events.ts';
export * from './fx.ts';
