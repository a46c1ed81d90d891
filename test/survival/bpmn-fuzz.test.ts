import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine, ParseError, BadRequestError } from '../../src/index.js';
import { mutate, seededRandom } from './mutate.js';

/** `npm run fuzz` raises this; inside `npm test` it stays small enough for well under a minute. */
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 300);
/** the mutant loop's timeout grows with the work: ~2-7 ms a mutant measured, 20 ms allowed for a loaded machine */
const MUTANTS_TIMEOUT = 30_000 + ITERATIONS * 20;
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'bpmn');
const files = readdirSync(fixtures).filter((f) => f.endsWith('.bpmn'));

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.open();
});
afterAll(async () => engine.close());

/** Every outcome must be a deployment or a clear, classified error — never a crash, never a hang. */
async function deployOrExplain(name: string, content: string | Buffer): Promise<'deployed' | 'refused'> {
  try {
    await engine.deploy({ name, resources: [{ name: `${name}.bpmn`, content }], duplicateFiltering: false });
    return 'deployed';
  } catch (error) {
    expect(error instanceof ParseError || error instanceof BadRequestError, String(error)).toBe(true);
    expect((error as Error).message.length).toBeGreaterThan(10);
    expect((error as Error).message).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces in messages
    return 'refused';
  }
}

describe('hostile and broken BPMN', () => {
  it(`${ITERATIONS} truncated and mutated versions of the fixtures deploy or are refused clearly`, async () => {
    const random = seededRandom(20261123);
    const outcomes = { deployed: 0, refused: 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      const file = files[i % files.length]!;
      let text = readFileSync(join(fixtures, file), 'utf8');
      const edits = 1 + Math.floor(random() * 3);
      for (let e = 0; e < edits; e++) text = mutate(text, random);
      outcomes[await deployOrExplain(`fuzz-${i}`, text)]++;
    }
    console.log(`bpmn fuzz: ${ITERATIONS} mutants, ${outcomes.deployed} deployed, ${outcomes.refused} refused`);
    expect(outcomes.refused).toBeGreaterThan(0);
    // the engine still works afterwards
    const ok = await engine.deploy({ name: 'after', resources: [{ name: 'ok.bpmn', content: readFileSync(join(fixtures, 'script-task.c7.bpmn'), 'utf8') }] });
    const instance = await engine.start(ok.definitions![0]!.key, { variables: { a: 1, b: 2 } });
    expect(engine.instance(instance.id).state).toBe('completed');
  }, MUTANTS_TIMEOUT);

  it('external entities (XXE) and entity expansion (billion laughs) are refused without expanding anything', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="P" isExecutable="true" name="&x;"/></bpmn:definitions>`;
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="P" isExecutable="true" name="&lol9;"/></bpmn:definitions>`;
    for (const xml of [xxe, lol]) {
      const error = await engine.deploy({ name: 'evil', resources: [{ name: 'evil.bpmn', content: xml }] }).catch((e) => e);
      expect(error).toBeInstanceOf(ParseError);
      expect(error.message).toMatch(/DOCTYPE/);
      expect(error.message).not.toContain('root:');
    }
  });

  it('10,000-deep nesting is refused, not a stack overflow', async () => {
    const deep = `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="Deep" isExecutable="true">${'<bpmn:subProcess>'.repeat(10_000)}${'</bpmn:subProcess>'.repeat(10_000)}</bpmn:process></bpmn:definitions>`;
    expect(await deployOrExplain('deep', deep)).toBe('refused');
  });

  it('non-UTF-8 bytes, unknown namespaces and duplicate ids get clear answers', async () => {
    const latin1 = Buffer.from(readFileSync(join(fixtures, 'service-task.c7.bpmn'), 'utf8').replace('name="Work"', 'name="Wörk"'), 'latin1');
    expect(['deployed', 'refused']).toContain(await deployOrExplain('latin1', latin1));
    const unknownNs = readFileSync(join(fixtures, 'service-task.c7.bpmn'), 'utf8').replace('<bpmn:process ', '<bpmn:process xmlns:acme="urn:acme" acme:flavour="x" ');
    expect(await deployOrExplain('unknown-ns', unknownNs)).toBe('deployed');
    const duplicate = readFileSync(join(fixtures, 'service-task.c7.bpmn'), 'utf8').replace('id="End"', 'id="Start"');
    const error = await engine.deploy({ name: 'dup', resources: [{ name: 'dup.bpmn', content: duplicate }] }).catch((e) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toMatch(/Start/);
  });

  it('a process with 100,000 elements deploys (or is refused) without exhausting memory', async () => {
    const count = 100_000;
    const parts = ['<bpmn:startEvent id="S"/>'];
    for (let i = 0; i < count; i++) parts.push(`<bpmn:task id="T${i}"/>`);
    parts.push(`<bpmn:sequenceFlow id="F" sourceRef="S" targetRef="T0"/>`);
    const xml = `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x"><bpmn:process id="Huge" isExecutable="true">${parts.join('')}</bpmn:process></bpmn:definitions>`;
    const before = process.memoryUsage().rss;
    expect(['deployed', 'refused']).toContain(await deployOrExplain('huge', xml));
    expect(process.memoryUsage().rss - before).toBeLessThan(1024 * 1024 * 1024);
  }, 120_000);
});
