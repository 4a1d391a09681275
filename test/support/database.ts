import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { connect, withDatabase } from '@clearhouse/kernel/db/index';

/** A fresh, migrated database for one test file: a copy of the run's template. */
export async function freshDatabase(label: string): Promise<string> {
  const templateUrl = inject('templateDatabaseUrl');
  const templateName = new URL(templateUrl).pathname.slice(1);
  const pid = templateName.split('_').at(-1);
  const name = `clearhouse_test_${label.replace(/\W/g, '').slice(0, 20).toLowerCase()}_${randomBytes(3).toString('hex')}_${pid}`;
  const admin = connect(inject('adminDatabaseUrl'), { max: 1 });
  try {
    await admin.unsafe(`create database ${name} template ${templateName}`);
  } finally {
    await admin.end();
  }
  return withDatabase(templateUrl, name);
}
