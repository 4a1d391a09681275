import { randomUUID } from 'node:crypto';
import { bulkhead } from 'cockatiel';
import { listPollPartners, type IngestPartner } from '../../app/ingest-partners.ts';
import type { IngestDeps } from '../../app/ingest.ts';
import { PartnerPoller, type PollResult } from './partner-poller.ts';
import { pollerDefaults, type PollerSettings } from './settings.ts';

export interface PollerControl {
  /** Re-reads the REST_POLL partners: starts pollers for new ones, restarts changed ones, stops removed ones. */
  refresh(): Promise<void>;
  /** Polls one partner now (after any poll of it under way) and returns what the poll did. */
  pollNow(partnerId: string): Promise<PollResult | { ok: false; skipped: 'NOT_A_POLL_PARTNER' }>;
  stop(): Promise<void>;
}

function sameConfig(a: IngestPartner, b: IngestPartner): boolean {
  return a.poll?.url === b.poll?.url && a.poll?.apiKey === b.poll?.apiKey && a.poll?.intervalSeconds === b.poll?.intervalSeconds && a.createdAt.getTime() === b.createdAt.getTime();
}

/**
 * Every REST_POLL partner of this subgraph's partner copy gets a PartnerPoller. A partner created (or
 * changed) after start gets its poller without a restart: `refresh` runs after each partner event the
 * copy applies, and every `refreshIntervalMs` in case a wake-up was missed.
 */
export async function startPoller(deps: IngestDeps, overrides: Partial<PollerSettings> = {}, log: (entry: Record<string, unknown>) => void = () => {}): Promise<PollerControl> {
  const settings: PollerSettings = { ...pollerDefaults, ...overrides };
  const owner = randomUUID();
  const slots = bulkhead(settings.pollsConcurrentMax, settings.partnersMax);
  const pollers = new Map<string, PartnerPoller>();
  let stopped = false;
  let refreshing: Promise<void> = Promise.resolve();

  async function refreshOnce(): Promise<void> {
    if (stopped) return;
    const partners = (await listPollPartners(deps.sql)).slice(0, settings.partnersMax);
    const seen = new Set<string>();
    for (const partner of partners) {
      seen.add(partner.partnerId);
      const current = pollers.get(partner.partnerId);
      if (current !== undefined && sameConfig(current.partner, partner)) continue;
      if (current !== undefined) await current.stop();
      const poller = new PartnerPoller(deps, partner, settings, slots, owner, log);
      pollers.set(partner.partnerId, poller);
      await poller.start();
    }
    for (const [partnerId, poller] of pollers) {
      if (seen.has(partnerId)) continue;
      pollers.delete(partnerId);
      await poller.stop();
    }
  }

  // Refreshes run one after another, so two never start a poller for the same partner.
  const refresh = (): Promise<void> => {
    refreshing = refreshing.catch(() => undefined).then(refreshOnce);
    return refreshing;
  };

  await refresh();
  const timer = setInterval(() => {
    refresh().catch((error: unknown) => log({ level: 'error', msg: 'poller refresh failed', error: String(error) }));
  }, settings.refreshIntervalMs);
  timer.unref();

  return {
    refresh,
    async pollNow(partnerId) {
      if (!pollers.has(partnerId)) await refresh();
      const poller = pollers.get(partnerId);
      return poller === undefined ? { ok: false, skipped: 'NOT_A_POLL_PARTNER' } : poller.pollNow();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await refreshing.catch(() => undefined);
      await Promise.all([...pollers.values()].map((poller) => poller.stop()));
      pollers.clear();
    },
  };
}
