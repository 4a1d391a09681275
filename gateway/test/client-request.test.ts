import { describe, expect, it } from 'vitest';
import { clientHeaders } from '../src/client-request.ts';

describe('client headers passed on by the gateway', () => {
  it('drops every x-clearhouse-* header, whatever its case, and keeps the rest', () => {
    const headers = clientHeaders({
      'content-type': 'application/json',
      authorization: 'Bearer t',
      'x-clearhouse-identity': 'eyJ…',
      'X-Clearhouse-Signature': 'ab',
      'x-clearhouse-pending-identity': '{"roles":["ADMIN"]}',
      'x-clearhouse-origin': '203.0.113.1',
      'x-forwarded-for': ['1.1.1.1', '2.2.2.2'],
    });
    expect(Object.fromEntries(headers)).toEqual({ 'content-type': 'application/json', authorization: 'Bearer t', 'x-forwarded-for': '1.1.1.1, 2.2.2.2' });
  });
});
