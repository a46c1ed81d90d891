import { describe, expect, it } from 'vitest';
import { checkTimer, firstSlot } from '../../src/timers/timer-spec.js';
import { at, fireCycle } from './helpers.js';

const SATURDAY = at('2026-03-28T12:00:00Z');

const run = (text: string, count: number, now = SATURDAY, timeZone?: string) => fireCycle(text, count, now, timeZone);

describe('timeCycle: cron', () => {
  it('standard 5 fields: 0 6 * * * is every day at 06:00 UTC', () => {
    expect(run('0 6 * * *', 2)).toEqual(['2026-03-29T06:00:00.000Z', '2026-03-30T06:00:00.000Z']);
  });

  it('Quartz 6 fields with seconds first and ?: 0 0 6 * * ?', () => {
    expect(run('0 0 6 * * ?', 2)).toEqual(['2026-03-29T06:00:00.000Z', '2026-03-30T06:00:00.000Z']);
    expect(run('30 15 6 ? * *', 1)).toEqual(['2026-03-29T06:15:30.000Z']);
  });

  it('the first firing is strictly after now, and cron slots carry no remaining count', () => {
    expect(firstSlot('cycle', '0 0 12 * * ?', SATURDAY)).toEqual({ due: at('2026-03-29T12:00:00Z') });
  });

  it('Quartz numbers days of the week 1 = SUN ... 7 = SAT; standard cron 0 (or 7) = SUN', () => {
    expect(run('0 0 6 ? * 1', 1)).toEqual(['2026-03-29T06:00:00.000Z']); // Sunday
    expect(run('0 0 6 ? * 2', 1)).toEqual(['2026-03-30T06:00:00.000Z']); // Monday
    expect(run('0 0 6 ? * 7', 1)).toEqual(['2026-04-04T06:00:00.000Z']); // Saturday
    expect(run('0 6 * * 0', 1)).toEqual(['2026-03-29T06:00:00.000Z']); // Sunday
    expect(run('0 6 * * 7', 1)).toEqual(['2026-03-29T06:00:00.000Z']); // Sunday
    expect(run('0 6 * * 1', 1)).toEqual(['2026-03-30T06:00:00.000Z']); // Monday
  });

  it('day names mean the same in both dialects, in any case, also as ranges', () => {
    const weekdays = ['2026-03-30T09:00:00.000Z', '2026-03-31T09:00:00.000Z', '2026-04-01T09:00:00.000Z', '2026-04-02T09:00:00.000Z', '2026-04-03T09:00:00.000Z', '2026-04-06T09:00:00.000Z'];
    expect(run('0 0 9 ? * MON-FRI', 6)).toEqual(weekdays);
    expect(run('0 9 * * mon-fri', 6)).toEqual(weekdays);
    expect(run('0 0 9 ? * 2-6', 6)).toEqual(weekdays);
    expect(run('0 0 9 ? * SAT,SUN', 3)).toEqual(['2026-03-29T09:00:00.000Z', '2026-04-04T09:00:00.000Z', '2026-04-05T09:00:00.000Z']);
  });

  it('wrapping ranges: FRI-MON and hours 22-2', () => {
    expect(run('0 0 9 ? * FRI-MON', 4)).toEqual(['2026-03-29T09:00:00.000Z', '2026-03-30T09:00:00.000Z', '2026-04-03T09:00:00.000Z', '2026-04-04T09:00:00.000Z']);
    expect(run('0 0 22-2 * * ?', 5)).toEqual([
      '2026-03-28T22:00:00.000Z',
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T02:00:00.000Z',
    ]);
  });

  it('steps and lists: 0 0/15 * * * ? and 0 0 8,12,18 * * ?', () => {
    expect(run('0 0/15 * * * ?', 3)).toEqual(['2026-03-28T12:15:00.000Z', '2026-03-28T12:30:00.000Z', '2026-03-28T12:45:00.000Z']);
    expect(run('0 0 8,12,18 * * ?', 3)).toEqual(['2026-03-28T18:00:00.000Z', '2026-03-29T08:00:00.000Z', '2026-03-29T12:00:00.000Z']);
  });

  it('L and #: last day of month, last Friday (Quartz 6L), second Monday (MON#2 / 2#2)', () => {
    expect(run('0 0 0 L * ?', 2)).toEqual(['2026-03-31T00:00:00.000Z', '2026-04-30T00:00:00.000Z']);
    expect(run('0 0 0 ? * 6L', 2)).toEqual(['2026-04-24T00:00:00.000Z', '2026-05-29T00:00:00.000Z']);
    expect(run('0 0 0 ? * MON#2', 2)).toEqual(['2026-04-13T00:00:00.000Z', '2026-05-11T00:00:00.000Z']);
    expect(run('0 0 0 ? * 2#2', 2)).toEqual(['2026-04-13T00:00:00.000Z', '2026-05-11T00:00:00.000Z']);
  });

  it('macros: @daily, @hourly, @weekly', () => {
    expect(run('@daily', 1)).toEqual(['2026-03-29T00:00:00.000Z']);
    expect(run('@hourly', 1)).toEqual(['2026-03-28T13:00:00.000Z']);
    expect(run('@weekly', 1)).toEqual(['2026-03-29T00:00:00.000Z']);
  });

  it('Quartz year field (7th) limits the years', () => {
    expect(run('0 0 6 1 1 ? 2028-2029', 5)).toEqual(['2028-01-01T06:00:00.000Z', '2029-01-01T06:00:00.000Z']);
    expect(() => firstSlot('cycle', '0 0 6 1 1 ? 2020', SATURDAY)).toThrow(
      "Timer cycle '0 0 6 1 1 ? 2020' never fires after 2026-03-28T12:00:00.000Z",
    );
  });

  it('5-field cron with both day fields restricted fires on either (classic cron)', () => {
    expect(run('0 6 1 * MON', 3)).toEqual(['2026-03-30T06:00:00.000Z', '2026-04-01T06:00:00.000Z', '2026-04-06T06:00:00.000Z']);
  });

  describe('time zones', () => {
    it('a daily 06:00 cron in Europe/Berlin stays at 06:00 local across the March DST change', () => {
      const fired = run('CRON_TZ=Europe/Berlin 0 0 6 * * ?', 4, at('2026-03-27T12:00:00Z'));
      expect(fired).toEqual([
        '2026-03-28T05:00:00.000Z', // 06:00 CET (+01:00)
        '2026-03-29T04:00:00.000Z', // 06:00 CEST (+02:00), DST began at 02:00 that night
        '2026-03-30T04:00:00.000Z',
        '2026-03-31T04:00:00.000Z',
      ]);
      const berlinHours = fired.map((d) =>
        new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(new Date(d)),
      );
      expect(berlinHours).toEqual(['06:00', '06:00', '06:00', '06:00']);
    });

    it('and across the October change', () => {
      expect(run('TZ=Europe/Berlin 0 6 * * *', 2, at('2026-10-24T12:00:00Z'))).toEqual([
        '2026-10-25T05:00:00.000Z', // 06:00 CET
        '2026-10-26T05:00:00.000Z',
      ]);
    });

    it('the time zone argument applies when the text has no prefix; the prefix wins over it', () => {
      expect(run('0 0 6 * * ?', 1, SATURDAY, 'America/New_York')).toEqual(['2026-03-29T10:00:00.000Z']);
      expect(run('CRON_TZ=Europe/Berlin 0 0 6 * * ?', 1, SATURDAY, 'America/New_York')).toEqual(['2026-03-29T04:00:00.000Z']);
    });

    it('a time skipped by the DST gap fires once, an hour later on the wall clock', () => {
      expect(run('CRON_TZ=Europe/Berlin 0 30 2 * * ?', 3, at('2026-03-27T12:00:00Z'))).toEqual([
        '2026-03-28T01:30:00.000Z', // 02:30 CET
        '2026-03-29T01:30:00.000Z', // 02:30 does not exist: 03:30 CEST
        '2026-03-30T00:30:00.000Z', // 02:30 CEST
      ]);
    });

    it('a time repeated by the DST fold fires once', () => {
      expect(run('CRON_TZ=Europe/Berlin 0 30 2 * * ?', 3, at('2026-10-24T12:00:00Z'))).toEqual([
        '2026-10-25T00:30:00.000Z', // first 02:30 (CEST)
        '2026-10-26T01:30:00.000Z', // 02:30 CET
        '2026-10-27T01:30:00.000Z',
      ]);
    });
  });

  it.each([
    ['0 0 25 * * ?', "Invalid cron expression '0 0 25 * * ?': hour 25 out of range"],
    ['61 * * * *', "Invalid cron expression '61 * * * *': minute 61 out of range"],
    ['0 0 6 ? * 0', "Invalid cron expression '0 0 6 ? * 0': day-of-week 0 out of range (1-7, 1 = SUN; or SUN-SAT)"],
    ['0 0 6 * 13 ?', "Invalid cron expression '0 0 6 * 13 ?': month 13 out of range"],
    ['0 0 6 ? * FUNDAY', "Invalid cron expression '0 0 6 ? * FUNDAY': invalid day-of-week 'FUNDAY'"],
    ['0 0 6 * *  * * *', "Invalid cron expression '0 0 6 * *  * * *': expected 5, 6 or 7 fields, got 8"],
    ['0 6 * *', "Invalid cron expression '0 6 * *': expected 5, 6 or 7 fields, got 4"],
    ['0 0 6 1 * MON', "Invalid cron expression '0 0 6 1 * MON': day-of-month and day-of-week cannot both be restricted: use '?' in one of them"],
    ['0 0 0 30 2 ?', "Invalid cron expression '0 0 0 30 2 ?': day-of-month 30 never occurs in the given month(s)"],
    ['0 0 0 15W * ?', "Invalid cron expression '0 0 0 15W * ?': '15W' in day-of-month is not supported"],
    ['0 0 0 LW * ?', "Invalid cron expression '0 0 0 LW * ?': 'LW' in day-of-month is not supported"],
    ['0 0/0 * * * ?', "Invalid cron expression '0 0/0 * * * ?': minute step 0 out of range"],
    ['0 ? 6 * * *', "Invalid cron expression '0 ? 6 * * *': '?' is only allowed in day-of-month and day-of-week"],
    ['0 0 0 ? * MON#6', "Invalid cron expression '0 0 0 ? * MON#6': day-of-week occurrence #6 out of range"],
    ['0 0 6 * * ? 1900', "Invalid cron expression '0 0 6 * * ? 1900': year 1900 out of range"],
    ['@fortnightly', "Invalid cron expression '@fortnightly': unknown macro '@fortnightly'"],
    ['H 6 * * *', "Invalid cron expression 'H 6 * * *': invalid minute 'H'"],
    ['CRON_TZ=Mars/Base 0 0 6 * * ?', "Invalid time zone 'Mars/Base'"],
    ['TZ=Mars/Base 0 6 * * *', "Invalid time zone 'Mars/Base'"],
  ])('rejects %j', (text, message) => {
    expect(checkTimer('cycle', text)).toBe(message);
    expect(() => firstSlot('cycle', text, SATURDAY)).toThrow(message);
  });

  it('rejects an unknown time zone argument', () => {
    expect(() => firstSlot('cycle', '0 0 6 * * ?', SATURDAY, 'Mars/Base')).toThrow("Invalid time zone 'Mars/Base'");
  });
});
