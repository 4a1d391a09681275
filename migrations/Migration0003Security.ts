import { Migration } from '@mikro-orm/migrations';

/**
 * The application's database role (DESIGN.md 6: an audit log the application cannot change).
 * `clearhouse_app` cannot log in: a service's login user is made a member of it, and the audit store
 * switches to it (SET LOCAL ROLE) for every append and read, so whatever the application runs, the
 * database itself refuses an UPDATE, DELETE or TRUNCATE of audit rows, before the trigger is reached.
 * It may use every other schema as the services do today, so services can run as it entirely.
 * Roles belong to the whole server, not to one database, hence the existence check.
 */
export class Migration0003Security extends Migration {
  override name = 'Migration0003Security';

  override up(): void {
    this.addSql(`do $$ begin
      if not exists (select from pg_roles where rolname = 'clearhouse_app') then
        create role clearhouse_app nologin;
      end if;
    end $$`);
    this.addSql(`revoke all on audit.log from public`);
    this.addSql(`grant usage on schema audit to clearhouse_app`);
    this.addSql(`grant select, insert on audit.log to clearhouse_app`);
    for (const schema of ['bus', 'partners', 'transactions', 'settlements', 'fx']) {
      this.addSql(`grant usage on schema ${schema} to clearhouse_app`);
      this.addSql(`grant select, insert, update, delete on all tables in schema ${schema} to clearhouse_app`);
      this.addSql(`grant usage, select on all sequences in schema ${schema} to clearhouse_app`);
      // Tables that later migrations create (run by the same owner) are granted the same way.
      this.addSql(`alter default privileges in schema ${schema} grant select, insert, update, delete on tables to clearhouse_app`);
      this.addSql(`alter default privileges in schema ${schema} grant usage, select on sequences to clearhouse_app`);
    }
    // The row trigger of Migration0001Initial does not fire on TRUNCATE; this one does, for the owner too.
    this.addSql(`create trigger audit_log_no_truncate before truncate on audit.log
      for each statement execute function audit.refuse_change()`);
  }
}
