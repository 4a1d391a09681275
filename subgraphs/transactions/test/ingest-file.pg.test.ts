import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '@clearhouse/kernel';
import { signGatewayRequest } from '@clearhouse/kernel/auth/gateway-signature';
import { generatedStream, sampleMemoryPeak } from '../../../test/support/generated-stream.ts';
import { countOf, createPartner, footprint, gatewaySecret, post, quarantineOf, startTestServer, type TestServer, uploaderHeaders } from './support/ingest-server.ts';

const header = 'TxID;RoundID;PlayerID;GameID;Type;Amount;Currency;BonusFlag;RefTxID;Timestamp';
const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);

function csvLine(index: number, prefix = 'T'): string {
  const second = String(index % 60).padStart(2, '0');
  const minute = String(Math.floor(index / 60) % 60).padStart(2, '0');
  const kind = index % 3 === 2 ? 'W' : 'B';
  return `${prefix}-${index};R-${Math.floor(index / 3)};P-${index % 97};roulette-7;${kind};1.234,${String(index % 100).padStart(2, '0')};EUR;${index % 5 === 0 ? 'Y' : 'N'};;${day} 10:${minute}:${second}+01:00`;
}

function csvFile(count: number, prefix = 'T'): string {
  return `${header}\r\n${Array.from({ length: count }, (_, index) => csvLine(index, prefix)).join('\r\n')}\r\n`;
}

describe('POST /ingest/{code}/file (csv-report)', () => {
  let server: TestServer;
  let partnerId: string;
  const path = '/ingest/LEGACY/file';

  beforeAll(async () => {
    server = await startTestServer('file', { ingest: { gatewaySecrets: gatewaySecret, csv: { chunkLinesMax: 50, chunkCharsMax: 1_000_000, lineBytesMax: 4096 } } });
    partnerId = await createPartner(server, { code: 'LEGACY', adapter: 'CSV_REPORT', games: ['roulette-7'] });
    await createPartner(server, { code: 'OTHER', adapter: 'CSV_REPORT', games: ['roulette-7'] });
  });
  afterAll(async () => server?.stop());

  it('imports a file with a BOM and CRLF line ends uploaded by an OPS user, amounts exact', async () => {
    const file = `\uFEFF${csvFile(120, 'OK')}`;
    const answer = await post(server.url(path), file, uploaderHeaders(['OPS']));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ lines: 121, incompleteLastLine: null, accepted: 120, duplicates: 0, quarantined: { count: 0 } });
    const [row] = await server.sql`select amount::text, funding from transactions.transactions where partner_id = ${partnerId} and external_id = 'OK-5'`;
    expect(row).toEqual({ amount: '1234.05', funding: 'BONUS' });
  });

  it('imports nothing twice when the same file is uploaded again', async () => {
    const before = await footprint(server.sql, partnerId);
    const answer = await post(server.url(path), csvFile(120, 'OK'), uploaderHeaders(['ADMIN']));
    expect(answer.json).toMatchObject({ accepted: 0, duplicates: 120 });
    const after = await footprint(server.sql, partnerId);
    expect([after.stored, after.events, after.quarantine]).toEqual([before.stored, before.events, before.quarantine]);
  });

  it('imports a file cut mid-line up to its last whole line, and the complete file later adds exactly the rest', async () => {
    const full = csvFile(200, 'CUT');
    const cutAt = full.indexOf('\r\n', Math.floor(full.length * 0.6)) - 7;
    const truncated = full.slice(0, cutAt);
    const first = await post(server.url(path), truncated, uploaderHeaders(['OPS']));
    expect(first.status).toBe(200);
    const completeLines = truncated.split('\r\n').length - 2;
    expect(first.json).toMatchObject({ accepted: completeLines, quarantined: { count: 0 }, incompleteLastLine: completeLines + 2 });
    const second = await post(server.url(path), full, uploaderHeaders(['OPS']));
    expect(second.json).toMatchObject({ accepted: 200 - completeLines, duplicates: completeLines, quarantined: { count: 0 } });
    const count = await countOf(server.sql`select count(*)::int from transactions.transactions where partner_id = ${partnerId} and external_id like 'CUT-%'`);
    expect(count).toBe(200);
  });

  it('does not import a last line without a line end when its layout lets a cut line parse (Amount last)', async () => {
    const reordered = 'TxID;RoundID;PlayerID;GameID;Type;Currency;BonusFlag;RefTxID;Timestamp;Amount';
    const file = `${reordered}\nAM-1;R;P;roulette-7;B;EUR;N;;${day} 10:00:00+01:00;12,50\nAM-2;R;P;roulette-7;B;EUR;N;;${day} 10:00:01+01:00;1.234,5`;
    const answer = await post(server.url(path), file, uploaderHeaders(['OPS']));
    expect(answer.json).toMatchObject({ accepted: 1, incompleteLastLine: 3 });
    const whole = await post(server.url(path), `${file}0\n`, uploaderHeaders(['OPS']));
    expect(whole.json).toMatchObject({ accepted: 1, duplicates: 1 });
    const [row] = await server.sql`select amount::text from transactions.transactions where partner_id = ${partnerId} and external_id = 'AM-2'`;
    expect(row!.amount).toBe('1234.50');
  });

  it('imports a last line without a line end in the documented layout when it is whole', async () => {
    const file = `${header}\n${csvLine(1, 'NOEOL')}`;
    const answer = await post(server.url(path), file, uploaderHeaders(['OPS']));
    expect(answer.json).toMatchObject({ accepted: 1, incompleteLastLine: null });
  });

  it('quarantines unparseable lines as MALFORMED with their line numbers, stores the rest, and answers 400', async () => {
    const body = Buffer.concat([
      Buffer.from(`${header}\n${csvLine(1, 'BAD')}\nBAD-2;only;three\n`),
      Buffer.from('BAD-3;R;P;roulette-7;B;1,00;EUR;N;;'),
      Buffer.from([0xe2, 0x82]),
      Buffer.from(`\n${csvLine(4, 'BAD')}\nBAD-5;R;P;roulette-7;B;1,00;XAU;N;;${day} 10:00:00+01:00\n`),
    ]);
    const answer = await post(server.url(path), body, uploaderHeaders(['OPS']));
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('MALFORMED');
    expect(answer.json.accepted).toBe(2);
    expect(answer.json.quarantined.records.map((record: { line: number; reason: string }) => [record.line, record.reason])).toEqual([
      [3, 'MALFORMED'],
      [4, 'MALFORMED'],
      [6, 'UNKNOWN_CURRENCY'],
    ]);
    const rows = await quarantineOf(server.sql, partnerId);
    expect(rows.find((row) => row.line === 3)?.raw).toBe('BAD-2;only;three');
  });

  it('ends a chunk at its character bound before its line bound: long lines make smaller transactions', async () => {
    const bounded = await startTestServer('filechars', { ingest: { gatewaySecrets: gatewaySecret, csv: { chunkLinesMax: 1000, chunkCharsMax: 1000, lineBytesMax: 4096 } } });
    try {
      const id = await createPartner(bounded, { code: 'CHARS', adapter: 'CSV_REPORT', games: ['roulette-7'] });
      const lines = Array.from({ length: 100 }, (_, index) => csvLine(index, 'CH'));
      const answer = await post(bounded.url('/ingest/CHARS/file'), `${header}\n${lines.join('\n')}\n`, uploaderHeaders(['OPS']));
      expect(answer.json).toMatchObject({ accepted: 100 });
      // A chunk closes with the line that reaches 1,000 characters; each chunk is one ingest event.
      let chunks = 0;
      for (let chars = 0, index = 0; index < lines.length; index += 1) {
        chars += lines[index]!.length;
        if (chars >= 1000 || index === lines.length - 1) [chunks, chars] = [chunks + 1, 0];
      }
      const events = await countOf(bounded.sql`select count(*)::int from bus.events where partner_id = ${id} and topic = ${topics.ingestBatch}`);
      expect(chunks).toBeGreaterThan(5);
      expect(events).toBe(chunks);
    } finally {
      await bounded.stop();
    }
  });

  it('refuses a file whose header row is not the report header, keeping the header as a MALFORMED record', async () => {
    const answer = await post(server.url('/ingest/OTHER/file'), 'a;b;c\n1;2;3\n', uploaderHeaders(['OPS']));
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('MALFORMED');
    const [other] = await server.sql`select partner_id from transactions.partners where code = 'OTHER'`;
    const rows = await quarantineOf(server.sql, other!.partner_id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: 'MALFORMED', raw: 'a;b;c', line: 1 });
  });

  describe('refused uploads keep nothing', () => {
    const file = csvFile(3, 'NO');
    const withoutIdentity = { 'content-type': 'text/csv' };
    const anonymous = { 'content-type': 'text/csv', ...signGatewayRequest(null, '', gatewaySecret, Date.now()) };
    const forged = { 'content-type': 'text/csv', ...signGatewayRequest({ sub: 'x', roles: ['OPS'], partnerId: null, expiresAtMs: Date.now() + 60_000 }, '', 'another-secret-0123456789abcdef', Date.now()) };
    const cases: [string, () => Record<string, string>, number, string][] = [
      ['no gateway identity', () => withoutIdentity, 401, 'UNAUTHENTICATED'],
      ["the gateway's anonymous identity", () => anonymous, 401, 'UNAUTHENTICATED'],
      ['an identity signed with another secret', () => forged, 401, 'UNAUTHENTICATED'],
      ['a FINANCE user', () => uploaderHeaders(['FINANCE']), 403, 'FORBIDDEN'],
      ['a PARTNER user', () => uploaderHeaders(['PARTNER'], 'some-partner'), 403, 'FORBIDDEN'],
      ['a body that is not text/csv', () => ({ ...uploaderHeaders(['OPS']), 'content-type': 'application/json' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ];
    for (const [name, headers, status, code] of cases) {
      it(`refuses ${name} with ${status} ${code}`, async () => {
        const before = await footprint(server.sql, partnerId);
        const answer = await post(server.url(path), file, headers());
        expect([answer.status, answer.json.error.code]).toEqual([status, code]);
        expect(await footprint(server.sql, partnerId)).toEqual(before);
      });
    }
  });

  it('logged no error for any of the inputs above', () => {
    expect(server.errors).toEqual([]);
  });
});

describe('the ingest endpoints started with no options of their own', () => {
  it("verify uploads with the server's gateway authenticator", async () => {
    const server = await startTestServer('filedefault', { ingest: {} });
    try {
      await createPartner(server, { code: 'PLAIN', adapter: 'CSV_REPORT', games: ['roulette-7'] });
      const file = csvFile(2, 'PLAIN');
      expect((await post(server.url('/ingest/PLAIN/file'), file, uploaderHeaders(['OPS']))).json).toMatchObject({ accepted: 2 });
      const refused = await post(server.url('/ingest/PLAIN/file'), file, { 'content-type': 'text/csv' });
      expect([refused.status, refused.json.error.code]).toEqual([401, 'UNAUTHENTICATED']);
      expect((await post(server.url('/ingest/PLAIN/file'), file, uploaderHeaders(['AUDITOR']))).status).toBe(403);
    } finally {
      await server.stop();
    }
  });
});

describe('streaming a large csv-report upload', () => {
  let server: TestServer;
  let partnerId: string;
  const lineCount = 300_000;

  beforeAll(async () => {
    server = await startTestServer('filelarge', { ingest: { gatewaySecrets: gatewaySecret, fileBytesMax: 100_000_000 } });
    partnerId = await createPartner(server, { code: 'BIG', adapter: 'CSV_REPORT', games: ['roulette-7'] });
  });
  afterAll(async () => server?.stop());

  /** The file is generated while it is sent, so only the server's holdings show in the heap. */
  const generatedFile = (count: number, stopAfterBytes = Infinity) =>
    generatedStream(count, (index) => (index < 0 ? header : csvLine(index, 'BIG')), stopAfterBytes);

  it('imports 300,000 lines with the live heap growing far less than the file (measured, not timed)', async () => {
    const memory = sampleMemoryPeak(500);
    const file = generatedFile(lineCount);
    const answer = await post(server.url('/ingest/BIG/file'), file.stream, uploaderHeaders(['OPS']));
    const { heapGrowth } = memory.stop();
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ lines: lineCount + 1, accepted: lineCount, quarantined: { count: 0 } });
    const growthMb = heapGrowth / 1e6;
    const fileMb = file.sent() / 1e6;
    console.log(`csv streaming: file ${fileMb.toFixed(1)} MB, heap peak growth ${growthMb.toFixed(1)} MB`);
    // Buffering the file would hold its text, and its 300,000 candidates, many times its size.
    expect(fileMb).toBeGreaterThan(20);
    expect(growthMb).toBeLessThan(40);
    const count = await countOf(server.sql`select count(*)::int from transactions.transactions where partner_id = ${partnerId}`);
    expect(count).toBe(lineCount);
  }, 300_000);

  it('keeps the whole chunks of an upload over the size limit and answers 413; a smaller re-upload adds nothing twice', async () => {
    const small = await startTestServer('filelimit', { ingest: { gatewaySecrets: gatewaySecret, fileBytesMax: 1_000_000, csv: { chunkLinesMax: 1000, chunkCharsMax: 1_000_000, lineBytesMax: 4096 } } });
    try {
      const id = await createPartner(small, { code: 'CAP', adapter: 'CSV_REPORT', games: ['roulette-7'] });
      const answer = await post(small.url('/ingest/CAP/file'), generatedFile(20_000).stream, uploaderHeaders(['OPS']));
      expect([answer.status, answer.json.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      const count = await countOf(small.sql`select count(*)::int from transactions.transactions where partner_id = ${id}`);
      expect(count % 1000).toBe(0);
      expect(count).toBeGreaterThan(0);
      const again = await post(small.url('/ingest/CAP/file'), csvFile(count + 10, 'BIG'), uploaderHeaders(['OPS']));
      expect(again.json).toMatchObject({ accepted: 10, duplicates: count });
      expect(small.errors).toEqual([]);
    } finally {
      await small.stop();
    }
  });
});

describe('npm run import -- --partner CODE FILE', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer('importcli', { ingest: { gatewaySecrets: gatewaySecret } });
    await createPartner(server, { code: 'CLI', adapter: 'CSV_REPORT', games: ['roulette-7'] });
  });
  afterAll(async () => server?.stop());

  async function runImport(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', 'scripts/import.ts', ...args], {
        env: { ...process.env, DATABASE_URL: server.databaseUrl },
        cwd: join(import.meta.dirname, '..', '..', '..'),
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('streams a report file into the ingest path, prints the counts, and imports nothing twice on a second run', { timeout: 120_000 }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'clearhouse-import-')), 'report.csv');
    writeFileSync(file, csvFile(2_500, 'CLI'));
    const first = await runImport(['--partner', 'CLI', file]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout.split('\n')[0]!)).toMatchObject({ partner: 'CLI', lines: 2_501, accepted: 2_500, duplicates: 0, quarantined: 0 });
    const second = await runImport(['--partner', 'CLI', file]);
    expect(JSON.parse(second.stdout.split('\n')[0]!)).toMatchObject({ accepted: 0, duplicates: 2_500 });
  });

  it('refuses an unknown partner and a missing file argument', { timeout: 120_000 }, async () => {
    expect((await runImport(['--partner', 'NOPE', '/dev/null'])).code).toBe(1);
    expect((await runImport(['--partner', 'CLI'])).code).toBe(2);
  });
});
