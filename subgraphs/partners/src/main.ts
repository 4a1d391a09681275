import { readServiceEnv, stopOnSignals } from '@clearhouse/kernel/service-env';
import { start } from './server.ts';

const env = readServiceEnv('partners', 4001);
const running = await start({ databaseUrl: env.databaseUrl, port: env.port, host: env.host, authenticate: env.authenticate, log: env.log });
env.log({ msg: `partners subgraph at ${running.url}` });
stopOnSignals(running.stop);
