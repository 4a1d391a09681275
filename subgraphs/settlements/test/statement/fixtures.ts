import type { Actor } from '../../src/domain/statement/actor.ts';
import type { RatedPeriodFigures } from '../../src/domain/statement/figures.ts';
import { openPeriod, type PeriodState } from '../../src/domain/statement/state-machine.ts';

export const alice: Actor = { id: 'alice', roles: ['FINANCE'] };
export const bob: Actor = { id: 'bob', roles: ['FINANCE', 'AUDITOR'] };
export const olga: Actor = { id: 'olga', roles: ['OPS'] };

export const hourMs = 3_600_000;
export const augStartMs = Date.parse('2026-08-01T00:00:00Z');
export const augEndMs = Date.parse('2026-09-01T00:00:00Z');
export const sepEndMs = Date.parse('2026-10-01T00:00:00Z');

export function august(overrides: Partial<PeriodState> = {}): PeriodState {
  return { ...openPeriod({ id: 'p-aug', startMs: augStartMs, endMs: augEndMs, autoCloseAfterHours: null }), ...overrides };
}

/** NOVA, August 2026, from shared/examples/basic/expected.json: the minimum fee tops the fee up. */
export function novaAugust(): RatedPeriodFigures {
  return {
    currency: 'EUR',
    periodStart: '2026-07-31T22:00:00+00:00',
    periodEnd: '2026-08-31T22:00:00+00:00',
    totals: {
      cashStake: '7010.0738530701683109071627647113424463632858383018',
      bonusStake: '327.44640615793844935336799393413625979762749409061',
      cashWin: '6341.7691461919515588693880010857898235926270849526',
      bonusWin: '227.46299340648342986617227652711189837796107663564',
      jackpotContribution: '14.263703226237437545319517581955440317713327020059',
      jackpotWin: '0',
      ggr: '768.28811962967177152497048103257698419032517080272',
      ngr: '388.16360426401229605003444546485643486546809115196',
    },
    groups: [
      { override: 'live casino', base: '-374.90596021166490651385325837777198120023601900354', fee: '0' },
      { override: 'late promo', base: '-37.972791512715955850826775068377737857391893016325', fee: '0' },
    ],
    tieredBase: '801.04235598839315841471447891100615392309600317178',
    tierBands: [{ from: '0', upTo: '2000', slice: '801.04235598839315841471447891100615392309600317178', rate: '0.12' }],
    computedFee: '96.125082718607179009765737469320738470771520380614',
    fee: '150.00',
    carryIn: '0',
    carryOut: '0',
    payableCarryIn: '0',
    payable: '150.00',
    paidNow: '150.00',
    payableCarryOut: '0',
    fxPending: [],
    fxRatesUsed: [
      { date: '2026-08-03', currency: 'SEK', rate: '11.2145' },
      { date: '2026-08-03', currency: 'USD', rate: '1.0712' },
    ],
    // 150 − 96.125082718607179009765737469320738470771520380614
    minimumFeeTopUp: '53.874917281392820990234262530679261529228479619386',
  };
}

/** A hand-made October: two marginal bands, an override group, the fee above the minimum. */
export function novaOctober(): RatedPeriodFigures {
  return {
    ...novaAugust(),
    periodStart: '2026-09-30T22:00:00+00:00',
    periodEnd: '2026-10-31T23:00:00+00:00',
    totals: {
      cashStake: '9000',
      bonusStake: '500',
      cashWin: '6000',
      bonusWin: '400',
      jackpotContribution: '20',
      jackpotWin: '0',
      ggr: '3100',
      ngr: '2425',
    },
    groups: [{ override: 'live casino', base: '30.5', fee: '7.625' }],
    tieredBase: '2100.5',
    tierBands: [
      { from: '0', upTo: '2000', slice: '2000', rate: '0.12' },
      { from: '2000', upTo: null, slice: '100.5', rate: '0.10' },
    ],
    // 7.625 + 240 + 10.05; half-even rounding takes 257.675 to 257.68
    computedFee: '257.675',
    fee: '257.68',
    payable: '257.68',
    paidNow: '257.68',
    minimumFeeTopUp: '0',
    fxRatesUsed: [],
  };
}

/** PULSE, October 2026, from expected.json: a losing month, negative carry in and out, payout held back. */
export function pulseOctober(): RatedPeriodFigures {
  return {
    currency: 'JPY',
    periodStart: '2026-09-30T15:00:00+00:00',
    periodEnd: '2026-10-31T15:00:00+00:00',
    totals: {
      cashStake: '1016259.5429411735253293955355705234555068294876531',
      bonusStake: '152631.32580827717699331558591991130549378527625177',
      cashWin: '871576.58585832411450661806889575134971963076722213',
      bonusWin: '120220.82299283572590510822495490575067016069353946',
      jackpotContribution: '1953.5183223781378828236033165918019525447217432870',
      jackpotWin: '0',
      ggr: '177093.45989829086191098482763977766061082330314326',
      ngr: '177093.45989829086191098482763977766061082330314326',
    },
    groups: [],
    tieredBase: '-1691628.9841286340920130171150251171861532751681512',
    tierBands: [{ from: '0', upTo: null, slice: '0', rate: '0.10' }],
    computedFee: '0',
    fee: '0',
    carryIn: '-1868722.4440269249539240019426648948467640984712945',
    carryOut: '-1691628.9841286340920130171150251171861532751681512',
    payableCarryIn: '35793',
    payable: '35793',
    paidNow: '0',
    payableCarryOut: '35793',
    fxPending: [],
    fxRatesUsed: [{ date: '2026-10-01', currency: 'JPY', rate: '172.35' }],
    minimumFeeTopUp: '0',
  };
}
