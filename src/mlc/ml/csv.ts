/**
 * Numeric CSV tables: the exchange format for labelled data between the
 * engine's train/test handlers and the outside world.
 *
 * Deliberately small: a header row, then rows of numbers. No quoting rules
 * are needed because every cell is numeric; a quoted or textual cell is a
 * data error and is reported with its line and column so a data engineer
 * can find it without a debugger.
 */
import { readFile, writeFile } from 'node:fs/promises';

/** Column-named numeric table; rows are in column order. */
export interface Table {
  columns: string[];
  rows: number[][];
}

/** A data problem in a CSV file or a table (bad cell, missing column). */
export class DataError extends Error {
  override name = 'DataError';
  constructor(
    message: string,
    readonly details: { line?: number; column?: string; missing?: string[] } = {},
  ) {
    super(message);
  }
}

export interface ParseCsvOptions {
  /** Columns that must be present; the error names every one that is absent. */
  required?: readonly string[];
  /** Used in error messages (a file name, an upload id). */
  source?: string;
}

export function parseCsv(text: string, options: ParseCsvOptions = {}): Table {
  const where = options.source ? ` in ${options.source}` : '';
  // Strip a UTF-8 BOM: spreadsheet exports commonly add one, and it would
  // otherwise become part of the first column name.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  const headerLine = lines[0] ?? '';
  if (headerLine.trim() === '') throw new DataError(`CSV${where} has no header row`, { line: 1 });

  const columns = headerLine.split(',').map((c) => c.trim());
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === '') throw new DataError(`CSV${where} has an empty column name in its header`, { line: 1 });
    if (seen.has(c)) throw new DataError(`CSV${where} has duplicate column "${c}"`, { line: 1, column: c });
    seen.add(c);
  }
  if (options.required) requireColumns(columns, options.required, options.source);

  const rows: number[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue; // trailing newline, blank separator lines
    const lineNo = i + 1;
    const cells = line.split(',');
    if (cells.length !== columns.length) {
      throw new DataError(
        `CSV${where} line ${lineNo}: expected ${columns.length} cells, found ${cells.length}`,
        { line: lineNo },
      );
    }
    const row = new Array<number>(cells.length);
    for (let j = 0; j < cells.length; j++) {
      const raw = cells[j].trim();
      // Number('') is 0, so reject empty cells explicitly rather than inventing data.
      const value = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(value)) {
        throw new DataError(
          `CSV${where} line ${lineNo}, column "${columns[j]}": ` +
            `${raw === '' ? 'empty cell' : `non-numeric value "${raw.slice(0, 40)}"`}`,
          { line: lineNo, column: columns[j] },
        );
      }
      row[j] = value;
    }
    rows.push(row);
  }
  return { columns, rows };
}

/**
 * Serialises with JavaScript's shortest round-trip number formatting, so
 * parseCsv(formatCsv(t)) reproduces t exactly and output is byte-stable.
 */
export function formatCsv(table: Table): string {
  const out: string[] = [table.columns.join(',')];
  for (const row of table.rows) out.push(row.map(String).join(','));
  return out.join('\n') + '\n';
}

export async function readCsvFile(path: string, options: ParseCsvOptions = {}): Promise<Table> {
  const text = await readFile(path, 'utf8');
  return parseCsv(text, { source: path, ...options });
}

export async function writeCsvFile(path: string, table: Table): Promise<void> {
  await writeFile(path, formatCsv(table), 'utf8');
}

/** Throws one DataError naming every missing column (not just the first). */
export function requireColumns(columns: readonly string[], required: readonly string[], source?: string): void {
  const present = new Set(columns);
  const missing = required.filter((c) => !present.has(c));
  if (missing.length > 0) {
    const where = source ? ` in ${source}` : '';
    const list = missing.map((m) => `"${m}"`).join(', ');
    throw new DataError(
      `missing required column${missing.length > 1 ? 's' : ''} ${list}${where} (columns present: ${columns.join(', ')})`,
      { missing, column: missing[0] },
    );
  }
}

/** One column's values, by name. */
export function column(table: Table, name: string): number[] {
  requireColumns(table.columns, [name]);
  const j = table.columns.indexOf(name);
  return table.rows.map((r) => r[j]);
}

/** Rows restricted to and reordered as `features`: the input a model expects. */
export function featureMatrix(table: Table, features: readonly string[]): number[][] {
  requireColumns(table.columns, features);
  const idx = features.map((f) => table.columns.indexOf(f));
  return table.rows.map((r) => idx.map((j) => r[j]));
}
