import type { InferEntity } from '@mikro-orm/core';
import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ClearhouseError, isActiveCurrency, parseDecimal, topics } from '@clearhouse/kernel';
import { appendEvents, type NewBusEvent, type SqlExecutor } from '@clearhouse/kernel/db/index';
import { validateTerms } from '@clearhouse/kernel/terms/index';
import { ContractVersionEntity, GameEntity, PartnerEntity } from '../infra/entities.ts';

export const gamesPerCallMax = 1000;
/** A rotated-out secret stays valid this long, so a provider can switch without losing requests. */
export const secretGraceMs = 24 * 3600_000;

const partnerCodePattern = /^[A-Z0-9][A-Z0-9_-]{1,31}$/;
const partnerKinds = ['GAME_PROVIDER', 'AGGREGATOR', 'AFFILIATE'];
const adapterTypes = ['JSON_WEBHOOK', 'NDJSON_BATCH', 'CSV_REPORT', 'REST_POLL'];
const gameCategories = ['SLOT', 'LIVE_CASINO', 'TABLE', 'CRASH', 'OTHER'];
const pollIntervalSecondsMin = 1;
const pollIntervalSecondsMax = 86_400;

export interface CreatePartnerCommand {
  code: string;
  name: string;
  kind: string;
  timezone: string;
  adapter: { type: string; pollUrl?: string | null; pollApiKey?: string | null; pollIntervalSeconds?: number | null };
}

function executorOf(em: EntityManager): SqlExecutor {
  return async (text, params) => (await em.execute(text, params)) as Record<string, unknown>[];
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function badInput(field: string, message: string): ClearhouseError {
  return new ClearhouseError('BAD_INPUT', `${field}: ${message}`, { field });
}

function validateCreate(command: CreatePartnerCommand): void {
  if (!partnerCodePattern.test(command.code)) throw badInput('code', 'upper-case letters, digits, _ or -, 2 to 32 characters');
  if (!command.name.trim() || command.name.length > 200) throw badInput('name', 'required, at most 200 characters');
  if (!partnerKinds.includes(command.kind)) throw badInput('kind', `one of ${partnerKinds.join(', ')}`);
  if (!isValidTimeZone(command.timezone)) throw badInput('timezone', 'an IANA time zone such as Europe/Malta');
  const adapter = command.adapter;
  if (!adapterTypes.includes(adapter.type)) throw badInput('adapter.type', `one of ${adapterTypes.join(', ')}`);
  const pollFields = [adapter.pollUrl, adapter.pollApiKey, adapter.pollIntervalSeconds].filter((value) => value !== undefined && value !== null);
  if (adapter.type !== 'REST_POLL') {
    if (pollFields.length > 0) throw badInput('adapter', 'poll fields are for REST_POLL only');
    return;
  }
  let url: URL;
  try {
    url = new URL(adapter.pollUrl ?? '');
  } catch {
    throw badInput('adapter.pollUrl', 'an http(s) URL is required for REST_POLL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput('adapter.pollUrl', 'an http(s) URL is required for REST_POLL');
  if (!adapter.pollApiKey) throw badInput('adapter.pollApiKey', 'required for REST_POLL');
  const interval = adapter.pollIntervalSeconds ?? 60;
  if (!Number.isInteger(interval) || interval < pollIntervalSecondsMin || interval > pollIntervalSecondsMax) {
    throw badInput('adapter.pollIntervalSeconds', `a whole number from ${pollIntervalSecondsMin} to ${pollIntervalSecondsMax}`);
  }
}

type PartnerRow = InferEntity<typeof PartnerEntity> | { id: string; code: string; name: string; kind: string; timezone: string; adapterType: string; pollUrl: string | null; pollApiKey: string | null; pollIntervalSeconds: number | null; createdAt: Date };

function partnerEvent(partner: PartnerRow): NewBusEvent {
  return {
    topic: topics.partnerUpserted,
    partnerId: partner.id,
    payload: {
      partnerId: partner.id,
      code: partner.code,
      name: partner.name,
      kind: partner.kind,
      timezone: partner.timezone,
      adapter: { type: partner.adapterType, pollUrl: partner.pollUrl ?? null, pollApiKey: partner.pollApiKey ?? null, pollIntervalSeconds: partner.pollIntervalSeconds ?? null },
      createdAt: partner.createdAt.toISOString(),
    },
  };
}

/** Errors: BAD_INPUT, CONFLICT (code taken). */
export async function createPartner(em: EntityManager, command: CreatePartnerCommand) {
  validateCreate(command);
  return em.transactional(async (tx) => {
    if (await tx.findOne(PartnerEntity, { code: command.code })) throw new ClearhouseError('CONFLICT', `partner code ${command.code} is taken`);
    const partner = tx.create(PartnerEntity, {
      id: randomUUID(),
      code: command.code,
      name: command.name.trim(),
      kind: command.kind,
      timezone: command.timezone,
      adapterType: command.adapter.type,
      pollUrl: command.adapter.pollUrl ?? null,
      pollApiKey: command.adapter.pollApiKey ?? null,
      pollIntervalSeconds: command.adapter.type === 'REST_POLL' ? (command.adapter.pollIntervalSeconds ?? 60) : null,
      createdAt: new Date(),
    });
    await tx.flush();
    await appendEvents(executorOf(tx), [partnerEvent(partner)]);
    return partner;
  });
}

/** Adds or updates games of a partner's catalogue. Errors: BAD_INPUT, NOT_FOUND. */
export async function registerGames(em: EntityManager, partnerId: string, games: { code: string; name: string; category: string; declaredRtp: string }[]) {
  if (games.length === 0 || games.length > gamesPerCallMax) throw badInput('games', `1 to ${gamesPerCallMax} games per call`);
  for (const [index, game] of games.entries()) {
    if (!/^[\w.:-]{1,64}$/.test(game.code)) throw badInput(`games[${index}].code`, 'letters, digits, _ . : -, at most 64');
    if (!gameCategories.includes(game.category)) throw badInput(`games[${index}].category`, `one of ${gameCategories.join(', ')}`);
    const rtp = parseDecimal(game.declaredRtp, { leadingZeros: true });
    if (!rtp || rtp.lessThan(0) || rtp.greaterThan(100)) throw badInput(`games[${index}].declaredRtp`, 'a percentage from 0 to 100');
  }
  return em.transactional(async (tx) => {
    const partner = await tx.findOne(PartnerEntity, { id: partnerId });
    if (!partner) throw new ClearhouseError('NOT_FOUND', 'no such partner');
    await tx.upsertMany(GameEntity, games.map((game) => ({ partnerId, ...game })));
    await appendEvents(executorOf(tx), [{ topic: topics.gamesRegistered, partnerId, payload: { partnerId, games } }]);
    return tx.find(GameEntity, { partnerId }, { orderBy: { code: 'asc' } });
  });
}

/** A new Standard Webhooks secret; older ones stay valid for `secretGraceMs`. Errors: NOT_FOUND. */
export async function rotateIngestSecret(em: EntityManager, partnerId: string): Promise<string> {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  await em.transactional(async (tx) => {
    const partner = await tx.findOne(PartnerEntity, { id: partnerId });
    if (!partner) throw new ClearhouseError('NOT_FOUND', 'no such partner');
    const execute = executorOf(tx);
    await execute('insert into partners.ingest_secrets (partner_id, secret) values (?, ?)', [partnerId, secret]);
    const rows = await execute(
      `select secret from partners.ingest_secrets where partner_id = ? and (secret = ? or created_at > now() - (? || ' milliseconds')::interval) order by created_at desc`,
      [partnerId, secret, String(secretGraceMs)],
    );
    await appendEvents(execute, [{ topic: topics.ingestSecretRotated, partnerId, payload: { partnerId, secrets: rows.map((row) => row.secret) } }]);
  });
  return secret;
}

/** Errors: INVALID_TERMS (with per-field errors), BAD_INPUT, NOT_FOUND. */
export async function setContractTerms(em: EntityManager, partnerId: string, effectiveFrom: string, terms: unknown, actor: string) {
  const validated = validateTerms(terms);
  if (!validated.ok) throw new ClearhouseError('INVALID_TERMS', 'contract terms are not valid', { fields: validated.errors });
  if (!isActiveCurrency(validated.terms.currency)) throw badInput('terms.currency', 'an active ISO 4217 currency');
  return em.transactional(async (tx) => {
    const partner = await tx.findOne(PartnerEntity, { id: partnerId });
    if (!partner) throw new ClearhouseError('NOT_FOUND', 'no such partner');
    const existing = await tx.findOne(ContractVersionEntity, { partnerId, effectiveFrom });
    const version = existing ?? tx.create(ContractVersionEntity, { id: randomUUID(), partnerId, effectiveFrom, terms, createdBy: actor, createdAt: new Date() });
    version.terms = terms;
    version.createdBy = actor;
    await tx.flush();
    await appendEvents(executorOf(tx), [{ topic: topics.contractTermsSet, partnerId, payload: { partnerId, effectiveFrom, terms } }]);
    return version;
  });
}
