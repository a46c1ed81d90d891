import { readFileSync } from 'node:fs';
import { compileDmn, type DecisionGraph } from '../../src/dmn/index.js';

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/dmn/${name}`, import.meta.url), 'utf8');
}

export async function compiled(name: string): Promise<DecisionGraph> {
  const result = await compileDmn(fixture(name));
  if (!result.graph) throw new Error(`fixture ${name} does not compile: ${JSON.stringify(result.errors)}`);
  return result.graph;
}
