import type { SqlDatabase } from './sql-database.js';

/** Laid-out copies of diagrams that were deployed without diagram interchange, one per definition (written by the `insertDiagramLayout` change). */
export class DiagramLayoutStore {
  private readonly s;

  constructor(db: SqlDatabase) {
    this.s = {
      get: db.prepare(`SELECT xml FROM diagram_layouts WHERE definition_id = ?`),
      // a second request racing the first computes the same layout: keep the first
      put: db.prepare(`INSERT OR IGNORE INTO diagram_layouts (definition_id, xml, created_at) VALUES (?, ?, ?)`),
    };
  }

  get(definitionId: string): string | null {
    const row = this.s.get.get(definitionId) as { xml: string } | undefined;
    return row?.xml ?? null;
  }

  put(definitionId: string, xml: string, at: number): void {
    this.s.put.run(definitionId, xml, at);
  }
}
