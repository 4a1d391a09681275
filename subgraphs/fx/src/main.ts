import { readServiceEnv, stopOnSignals } from '@clearhouse/kernel/service-env';
import { feedIntervalSecondsMax, feedIntervalSecondsMin } from './infra/feed/settings.ts';
import { start } from './server.ts';

/** The feed polls hourly unless told otherwise: the ECB publishes once a working day, around 16:00 CET. */
const feedIntervalSecondsDefault = 3600;

function feedFromEnv(env: NodeJS.ProcessEnv) {
  const url = env.FX_FEED_URL?.trim();
  if (!url) return undefined;
  const intervalText = env.FX_FEED_INTERVAL_SECONDS?.trim() || String(feedIntervalSecondsDefault);
  const intervalSeconds = Number(intervalText);
  if (!/^\d+$/.test(intervalText) || intervalSeconds < feedIntervalSecondsMin || intervalSeconds > feedIntervalSecondsMax) {
    throw new Error(`fx: FX_FEED_INTERVAL_SECONDS must be a whole number from ${feedIntervalSecondsMin} to ${feedIntervalSecondsMax}, not ${JSON.stringify(intervalText)}`);
  }
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new Error(`fx: FX_FEED_URL is not an http(s) URL`);
  return { url, intervalSeconds };
}

const env = readServiceEnv('fx', 4004);
const running = await start({
  databaseUrl: env.databaseUrl,
  port: env.port,
  host: env.host,
  authenticate: env.authenticate,
  clock: env.clock,
  jumpRatioMax: process.env.FX_JUMP_RATIO_MAX,
  feed: feedFromEnv(process.env),
  log: env.log,
});
env.log({ msg: `fx subgraph at ${running.url}${running.feed ? ', polling the ECB feed' : ''}` });
stopOnSignals(running.stop);
