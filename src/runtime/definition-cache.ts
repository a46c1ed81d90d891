import type { RepositoryStore } from '../store/repository-store.js';
import type { DefinitionRecord } from '../store/records.js';

/**
 * Definition records by id and the latest version per key, kept in memory: every start looks
 * one up, and they change only when something is deployed or a deployment is deleted.
 */
export class DefinitionCache {
  private readonly byId = new Map<string, DefinitionRecord>();
  private readonly latest = new Map<string, DefinitionRecord>();

  constructor(private readonly repository: RepositoryStore) {}

  get(id: string): DefinitionRecord | undefined {
    let definition = this.byId.get(id);
    if (!definition) {
      definition = this.repository.getDefinition(id);
      if (definition) this.byId.set(id, definition);
    }
    return definition;
  }

  latestOf(key: string, tenantId: string | null): DefinitionRecord | undefined {
    const cacheKey = `${tenantId ?? ''}\u0000${key}`;
    let definition = this.latest.get(cacheKey);
    if (!definition) {
      definition = this.repository.latestDefinition(key, tenantId);
      if (definition) this.latest.set(cacheKey, definition);
    }
    return definition;
  }

  /** After a deploy or a deletion: forget everything (cheap; it refills on use). */
  invalidate(): void {
    this.byId.clear();
    this.latest.clear();
  }
}
