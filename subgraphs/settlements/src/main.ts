import { readServiceEnv, stopOnSignals } from '@clearhouse/kernel/service-env';
import { start } from './server.ts';

const env = readServiceEnv('settlements', 4003);
const running = await start({ databaseUrl: env.databaseUrl, port: env.port, host: env.host, authenticate: env.authenticate, clock: env.clock, log: env.log });
env.log({ msg: `settlements subgraph at ${running.url}` });
stopOnSignals(running.stop);
