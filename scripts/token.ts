/**
 * Prints a development token:
 *   npm run token -- --role FINANCE [--role OPS] [--sub alice] [--partner <id>] [--ttl 3600]
 *   TOKEN=$(npm run -s token -- --role FINANCE)   (-s keeps npm's banner out of stdout)
 * Signed HS256 with AUTH_JWT_SECRET (the development default when unset, said on stderr), for the
 * issuer and audience of AUTH_JWT_ISSUER / AUTH_JWT_AUDIENCE or their defaults.
 */
import { parseArgs } from 'node:util';
import { ClearhouseError } from '@clearhouse/kernel';
import { isRole, roles, type Role } from '@clearhouse/kernel/auth/context';
import { devJwtSecretDefault, issueDevToken, jwtAudienceDefault, jwtIssuerDefault } from '@clearhouse/kernel/auth/jwt';

const usage = `usage: npm run token -- --role <${roles.join('|')}> [--role …] [--sub <name>] [--partner <id>] [--ttl <seconds>]`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      sub: { type: 'string' },
      partner: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const requested = (values.role ?? []).flatMap((role) => role.split(',')).map((role) => role.trim().toUpperCase());
  const unknown = requested.filter((role) => !isRole(role));
  if (requested.length === 0 || unknown.length > 0) {
    process.stderr.write(`${unknown.length > 0 ? `unknown role ${unknown.join(', ')}\n` : ''}${usage}\n`);
    return 2;
  }
  if (!/^\d{1,9}$/.test(values.ttl)) {
    process.stderr.write(`--ttl must be a whole number of seconds\n${usage}\n`);
    return 2;
  }
  const secret = process.env['AUTH_JWT_SECRET'] || devJwtSecretDefault;
  if (!process.env['AUTH_JWT_SECRET']) {
    process.stderr.write(`AUTH_JWT_SECRET is not set: signing with the development secret '${devJwtSecretDefault}'.\n`);
  }
  const selected = requested as Role[];
  const token = await issueDevToken(
    {
      sub: values.sub ?? `dev-${selected[0]!.toLowerCase()}`,
      roles: [...new Set(selected)],
      partnerId: values.partner ?? null,
      ttlSeconds: Number(values.ttl),
    },
    secret,
    { issuer: process.env['AUTH_JWT_ISSUER'] || jwtIssuerDefault, audience: process.env['AUTH_JWT_AUDIENCE'] || jwtAudienceDefault },
  );
  process.stdout.write(`${token}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof ClearhouseError || error instanceof TypeError ? error.message : String(error);
    process.stderr.write(`${message}\n${usage}\n`);
    process.exitCode = 2;
  },
);
