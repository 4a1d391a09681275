import { Migration } from '@mikro-orm/migrations';

/**
 * The rounds a partner has seen move from the transactions subgraph to the settlements consumer, which
 * now counts them (BucketDelta.roundIds): the transactions subgraph no longer looks them up or writes
 * them under the partner's lock. Rounds seen so far come along, so none is counted twice; an event
 * written before this change still carries its rounds counted, and the consumer adds them as they are.
 * Round ids are opaque: compared byte by byte ("C"), their index is cheaper to insert into.
 */
export class Migration0005Rounds extends Migration {
  override name = 'Migration0005Rounds';

  override up(): void {
    this.addSql(`create table settlements.rounds (
      partner_id uuid not null,
      round_id text collate "C" not null,
      primary key (partner_id, round_id))`);
    this.addSql(`insert into settlements.rounds (partner_id, round_id) select partner_id, round_id from transactions.rounds`);
    this.addSql(`drop table transactions.rounds`);
  }
}
