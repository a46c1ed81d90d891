import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createRng, mulberry32 } from '../../src/mlc/ml/random.js';
import { column, DataError, featureMatrix, formatCsv, parseCsv } from '../../src/mlc/ml/csv.js';
import {
  CREDIT_CARD_FEATURES,
  CREDIT_CARD_LABEL,
  generateCreditCardQuarter,
  QUARTERS,
} from '../../src/mlc/ml/credit-card-data.js';
import { thrownBy } from './helpers.js';

const dataFile = (q: string) => new URL(`../../examples/data/credit-card-${q.toLowerCase()}.csv`, import.meta.url);

describe('seeded random numbers', () => {
  it('repeats exactly for the same seed and differs for another', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('samples a standard normal with the right moments', () => {
    const rng = createRng(7);
    const n = 20_000;
    const xs = Array.from({ length: n }, () => rng.gaussian(10, 2));
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(2, 1);
  });
});

describe('credit-card data generator', () => {
  it('is deterministic: the same seed gives identical CSV bytes', () => {
    for (const quarter of QUARTERS) {
      const a = formatCsv(generateCreditCardQuarter({ quarter, rows: 500, seed: 99 }));
      const b = formatCsv(generateCreditCardQuarter({ quarter, rows: 500, seed: 99 }));
      expect(a).toBe(b);
    }
    const other = formatCsv(generateCreditCardQuarter({ quarter: 'Q1', rows: 500, seed: 100 }));
    expect(other).not.toBe(formatCsv(generateCreditCardQuarter({ quarter: 'Q1', rows: 500, seed: 99 })));
  });

  it('committed example CSVs are exactly what the generator produces', async () => {
    for (const quarter of QUARTERS) {
      const committed = await readFile(dataFile(quarter), 'utf8');
      expect(committed.length).toBeLessThan(300_000);
      expect(committed).toBe(formatCsv(generateCreditCardQuarter({ quarter })));
    }
  });

  it('has the tutorial schema with values in their domains', () => {
    const t = generateCreditCardQuarter({ quarter: 'Q4', rows: 2000 });
    expect(t.columns).toEqual([...CREDIT_CARD_FEATURES, CREDIT_CARD_LABEL]);
    const check = (name: string, ok: (v: number) => boolean) => expect(column(t, name).every(ok), name).toBe(true);
    check('merchant_category', (v) => Number.isInteger(v) && v >= 0 && v <= 9);
    check('hour_of_day', (v) => Number.isInteger(v) && v >= 0 && v <= 23);
    check('card_age', (v) => Number.isInteger(v) && v >= 1);
    check('card_fico_score', (v) => Number.isInteger(v) && v >= 300 && v <= 850);
    check('merchant_risk', (v) => v >= 0 && v <= 1);
    check('amount', (v) => v > 0);
    check(CREDIT_CARD_LABEL, (v) => v === 0 || v === 1);
    const positives = column(t, CREDIT_CARD_LABEL).reduce((a, b) => a + b, 0) / t.rows.length;
    expect(positives).toBeGreaterThan(0.4);
    expect(positives).toBeLessThan(0.9);
  });
});

describe('CSV', () => {
  it('round-trips a table exactly', () => {
    const t = generateCreditCardQuarter({ quarter: 'Q2', rows: 200 });
    expect(parseCsv(formatCsv(t))).toEqual(t);
  });

  it('accepts CRLF line endings, a BOM and a trailing newline', () => {
    expect(parseCsv('\ufeffa,b\r\n1,2\r\n3.5,-4e2\r\n')).toEqual({ columns: ['a', 'b'], rows: [[1, 2], [3.5, -400]] });
  });

  it('names every missing required column', () => {
    const text = 'amount,card_age,authorized_flag\n1,2,1\n';
    const err = thrownBy(() => parseCsv(text, { required: CREDIT_CARD_FEATURES, source: 'upload.csv' })) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toContain('"merchant_category"');
    expect(err.message).toContain('"card_fico_score"');
    expect(err.message).toContain('upload.csv');
    expect(err.details.missing).toEqual(['merchant_category', 'card_fico_score', 'merchant_risk', 'hour_of_day']);
    expect(() => featureMatrix(parseCsv(text), ['amount', 'card_fico_score'])).toThrow(/missing required column "card_fico_score"/);
  });

  it('reports the line and column of a non-numeric or empty cell', () => {
    expect(() => parseCsv('a,b\n1,2\n3,abc\n')).toThrow(/line 3, column "b": non-numeric value "abc"/);
    expect(() => parseCsv('a,b\n1,\n')).toThrow(/line 2, column "b": empty cell/);
    expect(() => parseCsv('a,b\n1,2,3\n')).toThrow(/line 2: expected 2 cells, found 3/);
    const err = thrownBy(() => parseCsv('a,b\n1,2\n\n4,NaN\n')) as DataError;
    expect(err.details).toMatchObject({ line: 4, column: 'b' });
  });

  it('rejects a missing header and duplicate columns', () => {
    expect(() => parseCsv('')).toThrow(/no header row/);
    expect(() => parseCsv('a,a\n1,2\n')).toThrow(/duplicate column "a"/);
  });
});
