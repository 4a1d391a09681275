/** The public surface of the transactions domain: wire adapters, signatures, validation, buckets. */
export type { Candidate } from './candidate.ts';
export { parseWebhookBody } from './adapters/json-webhook.ts';
export { parseNdjsonBody, parseNdjsonLine } from './adapters/ndjson-batch.ts';
export { csvColumnsMax, parseCsvHeader, parseCsvLine, parseCsvReport, type CsvHeader, type CsvHeaderResult, type CsvReportResult } from './adapters/csv-report.ts';
export { parsePollItem, parsePollPage, pollPageItemsMax, type PollPage, type PollPageResult } from './adapters/rest-poll.ts';
export * from './signatures.ts';
export { futureToleranceMs, retentionDaysDefault, type ValidationContext } from './checks.ts';
export { batchLookups, sameContent, storedStatuses, type BatchLookups, type HeldRollback, type StoredStatus, type StoredTransaction, type StoredView } from './stored.ts';
export type { NewRow, StatusChange } from './batch-state.ts';
export { candidatesPerBatchMax, decideBatch, type BatchCounts, type BatchDecision, type Effect, type Quarantine } from './decide.ts';
export { aggregateBuckets } from './buckets.ts';
export { canonicalInstantMs } from './instants.ts';
export { ingestInMemory, MemoryStore, PartnerMemory, type IngestStats } from './memory-store.ts';
