/**
 * Currencies the ECB once fixed and ISO 4217 has since withdrawn. The ECB's historical file
 * (eurofxref-hist.xml) still carries their rates for the years they existed. No transaction can be
 * in one of them (validation calls them UNKNOWN_CURRENCY, DESIGN.md 4), so their fixings could never
 * convert anything: an import skips them and says so, instead of refusing the whole official history.
 * Any other code that is not an active currency is still an error: a typo is not a retired currency.
 */
export const retiredEcbCurrencies: Readonly<Record<string, string>> = {
  CYP: 'Cyprus pound, replaced by the euro on 2008-01-01',
  EEK: 'Estonian kroon, replaced by the euro on 2011-01-01',
  GRD: 'Greek drachma, replaced by the euro on 2001-01-01',
  HRK: 'Croatian kuna, replaced by the euro on 2023-01-01',
  LTL: 'Lithuanian litas, replaced by the euro on 2015-01-01',
  LVL: 'Latvian lats, replaced by the euro on 2014-01-01',
  MTL: 'Maltese lira, replaced by the euro on 2008-01-01',
  ROL: 'Romanian leu, replaced by the new leu (RON) on 2005-07-01',
  SIT: 'Slovenian tolar, replaced by the euro on 2007-01-01',
  SKK: 'Slovak koruna, replaced by the euro on 2009-01-01',
  TRL: 'Turkish lira, replaced by the new lira (TRY) on 2005-01-01',
};

export function isRetiredEcbCurrency(currency: string): boolean {
  return Object.hasOwn(retiredEcbCurrencies, currency);
}

/** What an import left out for one retired currency. */
export interface SkippedCurrency {
  currency: string;
  fixings: number;
  firstDate: string;
  lastDate: string;
  reason: string;
}
