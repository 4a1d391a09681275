export * from './scalars.ts';
export * from './server.ts';
export * from './subgraph-schema.ts';
export * from './context.ts';
export * from './authenticate.ts';
export * from './request-ids.ts';
