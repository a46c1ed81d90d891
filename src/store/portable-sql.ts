import { dialectOf, type SqlDatabase, type SqlDialect } from './sql-database.js';

/**
 * SQL fragments SQLite and PostgreSQL spell differently, for the statements the dialect
 * translator cannot rewrite mechanically. Each returns SQLite's text unchanged on SQLite.
 */
export class PortableSql {
  readonly dialect: SqlDialect;

  constructor(db: SqlDatabase) {
    this.dialect = dialectOf(db);
  }

  get postgres(): boolean {
    return this.dialect === 'postgres';
  }

  /** A sort term ordering NULLs as SQLite does (first ascending, last descending; PostgreSQL does the opposite). */
  order(column: string, descending: boolean): string {
    const direction = descending ? 'DESC' : 'ASC';
    if (!this.postgres) return `${column} ${direction}`;
    return `${column} ${direction} ${descending ? 'NULLS LAST' : 'NULLS FIRST'}`;
  }

  /** The member `field` of the JSON object in the text expression `json`, as SQL text (null when absent). */
  jsonField(json: string, field: string): string {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) throw new Error(`Invalid JSON field name '${field}'`);
    return this.postgres ? `(${json}::jsonb ->> '${field}')` : `json_extract(${json}, '$.${field}')`;
  }

  /**
   * A FROM item listing the elements of the JSON array in `json` as `alias`, with `key` (the index,
   * counting from 0) and `value` columns: SQLite's json_each.
   */
  jsonArrayElements(json: string, alias: string): { from: string; key: string; value: string } {
    if (!this.postgres) return { from: `json_each(${json}) ${alias}`, key: `${alias}.key`, value: `${alias}.value` };
    return {
      from: `LATERAL jsonb_array_elements(${json}::jsonb) WITH ORDINALITY AS ${alias}(value, ordinal)`,
      key: `(${alias}.ordinal - 1)`,
      value: `${alias}.value`,
    };
  }

  /** The number of elements of the JSON array in `json`. */
  jsonArrayLength(json: string): string {
    return this.postgres ? `jsonb_array_length(${json}::jsonb)` : `json_array_length(${json})`;
  }

  /** `text` as a floating-point number, or NULL unless `guard` holds (PostgreSQL may evaluate a cast before the AND beside it). */
  realWhen(guard: string, text: string): string {
    return this.postgres ? `(CASE WHEN ${guard} THEN CAST(${text} AS double precision) END)` : `CAST(${text} AS REAL)`;
  }
}
