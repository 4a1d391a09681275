/**
 * The demo data set of `npm start` and its feed: two partners with catalogues and contracts, today's FX
 * fixings, and a few transactions a second so a subscriber sees deltas at once. Idempotent: a second
 * start finds the partners and reuses them.
 */
export interface DemoPartner {
  id: string;
  code: string;
  games: string[];
  currencies: string[];
}

const feedIntervalMs = 1000;
const transactionsPerTick = 4;

async function call<T>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((error) => error.message).join('; '));
  return body.data as T;
}

const demoPartners = [
  {
    code: 'DEMO-NOVA', name: 'Nova Games (demo)', timezone: 'Europe/Malta', currencies: ['EUR', 'USD'],
    games: [['nova-book', 'Book of Nova', 'SLOT'], ['nova-live', 'Nova Live Roulette', 'LIVE_CASINO'], ['nova-crash', 'Nova Rocket', 'CRASH']],
    terms: {
      currency: 'EUR', timezone: 'Europe/Malta', cycle: 'MONTHLY', base: 'NGR',
      deductions: { bonusStake: true, jackpotContribution: true, gamingTaxRate: '0.05' },
      tiers: [{ upTo: '100000', rate: '0.12' }, { upTo: null, rate: '0.10' }], tierMode: 'MARGINAL',
      overrides: [{ name: 'live casino', categories: ['LIVE_CASINO'], rate: '0.25' }],
      minimumFee: '1000', negativeCarryover: true, minimumPayout: '500',
    },
  },
  {
    code: 'DEMO-ORBIT', name: 'Orbit Aggregation (demo)', timezone: 'UTC', currencies: ['USD', 'GBP'],
    games: [['orbit-slot', 'Orbit Slot', 'SLOT'], ['orbit-table', 'Orbit Blackjack', 'TABLE']],
    terms: {
      currency: 'USD', timezone: 'UTC', cycle: 'WEEKLY', base: 'GGR', deductions: {},
      tiers: [{ upTo: '5000', rate: '0.15' }, { upTo: null, rate: '0.11' }], tierMode: 'WHOLE', overrides: [], negativeCarryover: false,
    },
  },
];

export async function loadDemoData(url: string, admin: string, finance: string): Promise<DemoPartner[]> {
  const existing = await call<{ partners: { id: string; code: string }[] }>(url, admin, '{ partners(first: 500) { id code } }');
  const result: DemoPartner[] = [];
  for (const demo of demoPartners) {
    let id = existing.partners.find((partner) => partner.code === demo.code)?.id;
    if (!id) {
      const created = await call<{ createPartner: { id: string } }>(url, admin,
        'mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id } }',
        { input: { code: demo.code, name: demo.name, kind: 'GAME_PROVIDER', timezone: demo.timezone, adapter: { type: 'JSON_WEBHOOK' } } });
      id = created.createPartner.id;
      await call(url, admin, 'mutation ($id: ID!, $games: [GameInput!]!) { registerGames(partnerId: $id, games: $games) { code } }', {
        id, games: demo.games.map(([code, name, category]) => ({ code, name, category, declaredRtp: '96.00' })),
      });
      await call(url, finance, 'mutation ($id: ID!, $terms: JSON!) { setContractTerms(partnerId: $id, effectiveFrom: "2020-01-01", terms: $terms) { id } }', {
        id, terms: demo.terms,
      });
    }
    result.push({ id, code: demo.code, games: demo.games.map(([code]) => code!), currencies: demo.currencies });
  }
  const today = new Date().toISOString().slice(0, 10);
  const xml = `<?xml version="1.0" encoding="UTF-8"?><gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref"><gesmes:subject>Reference rates</gesmes:subject><Cube><Cube time='${today}'><Cube currency='USD' rate='1.0842'/><Cube currency='GBP' rate='0.8571'/></Cube></Cube></gesmes:Envelope>`;
  await call(url, finance, 'mutation ($xml: String!) { importFxRates(xml: $xml) { applied } }', { xml });
  return result;
}

/** Records a few random bets and wins a second through the API, until the process ends. */
export function startDemoFeed(url: string, admin: string, partners: DemoPartner[], say: (line: string) => void): void {
  let counter = Date.now();
  let failures = 0;
  setInterval(() => {
    const partner = partners[counter % partners.length]!;
    const transactions = Array.from({ length: transactionsPerTick }, () => {
      counter += 1;
      const win = counter % 3 === 0;
      const cents = 100 + Math.floor(Math.random() * 5000);
      return {
        externalId: `demo-${counter}`, roundId: `demo-round-${Math.floor(counter / 2)}`, playerId: `player-${counter % 17}`,
        gameCode: partner.games[counter % partner.games.length], kind: win ? 'WIN' : 'BET', funding: counter % 11 === 0 ? 'BONUS' : 'CASH',
        amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
        currency: partner.currencies[counter % partner.currencies.length], occurredAt: new Date().toISOString(),
      };
    });
    call(url, admin, 'mutation ($id: ID!, $t: [TransactionInput!]!) { recordTransactions(partnerId: $id, transactions: $t) { accepted } }', { id: partner.id, t: transactions })
      .then(() => { failures = 0; })
      .catch((error: Error) => {
        failures += 1;
        if (failures === 1 || failures % 60 === 0) say(`demo feed: ${error.message}`);
      });
  }, feedIntervalMs).unref();
}
