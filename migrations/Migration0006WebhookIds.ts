import { Migration } from '@mikro-orm/migrations';

/**
 * Webhook-ids are forgotten once past their retention (`pruneWebhookIds`, hourly): the index finds the
 * aged ones without reading the whole table.
 */
export class Migration0006WebhookIds extends Migration {
  override name = 'Migration0006WebhookIds';

  override up(): void {
    this.addSql(`create index webhook_ids_received on transactions.webhook_ids (received_at)`);
  }
}
