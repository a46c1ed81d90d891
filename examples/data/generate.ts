/**
 * Writes the credit-card authorisation sample data, one CSV per quarter:
 *
 *   npx tsx examples/data/generate.ts [--seed N] [--rows N] [--out DIR]
 *
 * Output is byte-identical for the same seed and row count, so the
 * committed CSVs can be regenerated and diffed.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCreditCardQuarter, QUARTERS, DEFAULT_SEED, DEFAULT_ROWS } from '../../src/mlc/ml/credit-card-data.js';
import { writeCsvFile } from '../../src/mlc/ml/csv.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const seed = Number(flag('seed', String(DEFAULT_SEED)));
const rows = Number(flag('rows', String(DEFAULT_ROWS)));
const out = flag('out', dirname(fileURLToPath(import.meta.url)));
if (!Number.isInteger(seed) || !Number.isInteger(rows) || rows <= 0) {
  console.error('usage: generate.ts [--seed <integer>] [--rows <positive integer>] [--out <dir>]');
  process.exit(2);
}

await mkdir(out, { recursive: true });
for (const quarter of QUARTERS) {
  const file = join(out, `credit-card-${quarter.toLowerCase()}.csv`);
  const table = generateCreditCardQuarter({ quarter, rows, seed });
  await writeCsvFile(file, table);
  console.log(`${relative(process.cwd(), file)}: ${table.rows.length} rows`);
}
