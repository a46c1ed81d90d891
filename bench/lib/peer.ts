/**
 * bpmn-engine@25 (the in-memory Node peer): the definition is parsed and serialised once, every
 * instance is a new Engine over that serialised context; service tasks call their callback at once.
 */
import { readFileSync } from 'node:fs';
import { now } from './stats.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

interface PeerModule {
  Engine: any;
}

let loaded: PeerModule | null = null;
async function peer(): Promise<PeerModule> {
  if (!loaded) {
    const mod: any = await import('bpmn-engine');
    loaded = { Engine: mod.Engine ?? mod.default?.Engine ?? mod.default };
  }
  return loaded;
}

export function peerVersion(): string {
  try {
    const file = new URL('../../node_modules/bpmn-engine/package.json', import.meta.url);
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** A no-op logger: bpmn-engine's debug logger costs time even when disabled. */
function quietLogger() {
  const noop = () => undefined;
  return { debug: noop, error: noop, warn: noop };
}

const immediate = (_scope: unknown, callback: (err: unknown, ...args: unknown[]) => void) => callback(null);

export interface PeerProcess {
  /** runs one instance to its end */
  run(variables?: Record<string, unknown>): Promise<void>;
}

/** Parses `xml` once and returns a runner that executes instances of it. */
export async function preparePeer(xml: string, topics: string[]): Promise<PeerProcess> {
  const { Engine } = await peer();
  const parser = new Engine({ name: 'parse', source: xml, Logger: quietLogger });
  const [definition] = await parser.getDefinitions();
  const sourceContext = definition.context.sourceContext ?? definition.environment?.options?.source;
  if (!sourceContext) throw new Error('could not get a serialised context from bpmn-engine');
  const services = Object.fromEntries(topics.map((t) => [t, immediate]));
  return {
    run(variables = {}) {
      return new Promise<void>((resolve, reject) => {
        const engine = new Engine({ name: 'bench', sourceContext, services, Logger: quietLogger });
        engine.once('end', () => resolve());
        engine.once('error', (error: unknown) => reject(error));
        engine.execute({ variables }).catch(reject);
      });
    },
  };
}

/** Time bpmn-engine takes to parse `xml` into its definitions (moddle + serialise + Definition). */
export async function peerParseMs(xml: string): Promise<number> {
  const { Engine } = await peer();
  const started = now();
  const engine = new Engine({ name: 'parse', source: xml, Logger: quietLogger });
  const definitions = await engine.getDefinitions();
  if (!definitions.length) throw new Error('bpmn-engine found no definitions');
  return now() - started;
}
