import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendAuditEntry,
  appendLink,
  canonicalJson,
  chainHash,
  genesisHash,
  verifyChain,
  type AuditEntry,
  type ChainLink,
} from '@clearhouse/kernel/auth/audit-chain';

function auditLog(size: number): ChainLink<AuditEntry>[] {
  const links: ChainLink<AuditEntry>[] = [];
  for (let index = 0; index < size; index += 1) {
    links.push(
      appendAuditEntry(links.at(-1) ?? null, {
        at: new Date(Date.UTC(2026, 10, 20, 12, index)).toISOString(),
        actor: index % 2 === 0 ? 'fin-1' : 'fin-2',
        roles: ['FINANCE'],
        action: 'closePeriod',
        object: `period-${index}`,
        result: 'OK',
        origin: '10.0.0.7',
        requestId: `req-${index}`,
        details: { fee: `${1000 + index}.00` },
      }),
    );
  }
  return links;
}

describe('audit hash chain', () => {
  it('verifies an intact log', () => {
    const links = auditLog(5);
    expect(links.map((link) => link.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(links[0]?.prevHash).toBe(genesisHash);
    expect(verifyChain(links)).toBeNull();
    expect(verifyChain([])).toBeNull();
  });

  it('hashes the previous hash followed by the canonical JSON of the entry', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: 'x' } })).toBe('{"a":{"c":"x","d":[true,null]},"b":1}');
    const [first] = auditLog(1);
    expect(first?.hash).toBe(chainHash(genesisHash, JSON.parse(JSON.stringify(first?.payload))));
  });

  it('keeps the same hash whatever the key order, as after a round trip through jsonb', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (payload) => {
        const reversed = Object.fromEntries(Object.entries(payload).reverse());
        expect(chainHash(genesisHash, reversed)).toBe(chainHash(genesisHash, payload));
      }),
    );
  });

  it('detects an altered entry at its sequence number', () => {
    const links = auditLog(5);
    const altered = links.map((link) =>
      link.seq === 3 ? { ...link, payload: { ...link.payload, result: 'DENIED' as const } } : link,
    );
    expect(verifyChain(altered)).toBe(3);
  });

  it('detects an altered entry whose hash was recomputed, at the next one', () => {
    const links = auditLog(5);
    const forged = { ...links[2]!, payload: { ...links[2]!.payload, actor: 'mallory' } };
    forged.hash = chainHash(forged.prevHash, forged.payload);
    expect(verifyChain([...links.slice(0, 2), forged, ...links.slice(3)])).toBe(4);
  });

  it('detects a deleted entry, at the start, in the middle and, against a known head, at the end', () => {
    const links = auditLog(5);
    expect(verifyChain(links.slice(1))).toBe(1);
    expect(verifyChain([...links.slice(0, 2), ...links.slice(3)])).toBe(3);
    const head = { seq: 5, hash: links[4]!.hash };
    expect(verifyChain(links.slice(0, 4), { head })).toBe(5);
    expect(verifyChain(links, { head })).toBeNull();
  });

  it('detects reordered entries', () => {
    const links = auditLog(5);
    expect(verifyChain([links[0]!, links[1]!, links[3]!, links[2]!, links[4]!])).toBe(3);
    const renumbered = [links[0]!, links[1]!, { ...links[3]!, seq: 3 }, { ...links[2]!, seq: 4 }, links[4]!];
    expect(verifyChain(renumbered)).toBe(3);
  });

  it('verifies a window of a longer chain from the link before it', () => {
    const links = auditLog(6);
    expect(verifyChain(links.slice(3), { from: { seq: 3, hash: links[2]!.hash } })).toBeNull();
    expect(verifyChain(links.slice(3), { from: { seq: 3, hash: links[1]!.hash } })).toBe(4);
  });

  it('chains any payload the same way, for the ledger', () => {
    const first = appendLink(null, { entry: 'fee expense', debit: '120.00' });
    const second = appendLink(first, { entry: 'payable to partner', credit: '120.00' });
    expect(verifyChain([first, second])).toBeNull();
    expect(verifyChain([first, { ...second, payload: { entry: 'payable to partner', credit: '12.00' } }])).toBe(2);
  });
});
