/**
 * Held-out data for a sound comparison: the rows a model is judged on must not be rows it was
 * trained on. Rows are identified by a hash of their values (the CSVs carry no row id), so the
 * check holds even when the same rows sit in two files under different names.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Table } from '../ml/index.js';
import { readCsvFile } from '../ml/index.js';
import { resolveInside } from './ids.js';

export interface RowsFingerprint {
  rows: number;
  /** sha256 over the row hashes in file order: equal fingerprints mean the same rows, in order */
  sha256: string;
}

const rowHash = (row: readonly unknown[]) => createHash('sha256').update(JSON.stringify(row)).digest('hex').slice(0, 32);

export function fingerprint(table: Table): RowsFingerprint {
  const all = createHash('sha256');
  for (const row of table.rows) all.update(rowHash(row));
  return { rows: table.rows.length, sha256: all.digest('hex') };
}

/**
 * How many of `table`'s rows also appear in the training data file (a path inside dataDir).
 * Null when the training data is unknown or no longer on disk: then only the names can be compared.
 */
export async function rowsSeenInTraining(table: Table, dataDir: string, trainingData: string | null): Promise<number | null> {
  if (!trainingData) return null;
  const path = resolveInside(dataDir, trainingData, 'trainingData');
  if (!existsSync(path)) return null;
  const training = await readCsvFile(path);
  // compare on the columns both files share, in the test table's order
  const shared = table.columns.filter((c) => training.columns.includes(c));
  const pick = (t: Table) => shared.map((c) => t.columns.indexOf(c));
  const trainIdx = pick(training);
  const seen = new Set(training.rows.map((r) => rowHash(trainIdx.map((i) => r[i]))));
  const testIdx = pick(table);
  return table.rows.filter((r) => seen.has(rowHash(testIdx.map((i) => r[i])))).length;
}
