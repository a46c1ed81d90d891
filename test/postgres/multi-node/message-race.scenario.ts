import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { postgresBinaries } from '../throwaway-cluster.js';
import { BPMN_FIXTURES, startMultiNodeCluster, type MultiNodeCluster, type NodeProcess } from './cluster-harness.js';
import { cleanLedger, ledger } from './ledger.js';

const ROUNDS = 60;
/** rounds raced at once (each round: one message to each node) */
const PARALLEL = 6;

interface Answer {
  node: string;
  status: number;
  body: { type?: string; message?: string } | null;
}

async function correlate(node: NodeProcess, businessKey: string): Promise<Answer> {
  const response = await fetch(`${node.base}/message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messageName: 'MODEL_APPROVED', businessKey }),
  });
  const text = await response.text();
  return { node: node.name, status: response.status, body: text === '' ? null : (JSON.parse(text) as Answer['body']) };
}

describe.skipIf(!postgresBinaries())('one message correlated on two nodes at once', () => {
  let cluster: MultiNodeCluster;

  beforeAll(async () => {
    cluster = await startMultiNodeCluster('message_race');
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('is consumed once; the other node answers as Camunda 7 does when nothing waits for it (400 RestException "Cannot correlate message")', async () => {
    const a = await cluster.spawn({ name: 'A', deploy: [join(BPMN_FIXTURES, 'message-catch.c7.bpmn')], http: true });
    const b = await cluster.spawn({ name: 'B', http: true });
    await a.start('MessageCatchC7', ROUNDS, 'race-');
    expect(await cluster.scalar(`SELECT count(*) FROM subscriptions WHERE name = 'MODEL_APPROVED'`)).toBe(ROUNDS);

    const rounds: Answer[][] = [];
    for (let i = 0; i < ROUNDS; i += PARALLEL) {
      const batch = Array.from({ length: Math.min(PARALLEL, ROUNDS - i) }, (_, k) => `race-${i + k}`);
      rounds.push(...(await Promise.all(batch.map((key) => Promise.all([correlate(a, key), correlate(b, key)])))));
    }

    // exactly one node consumed each message (rounds listed here were won by both, or by neither)
    expect(rounds.filter((answers) => answers.filter((answer) => answer.status === 204).length !== 1)).toEqual([]);
    for (const lost of rounds.flat().filter((answer) => answer.status !== 204)) {
      expect(lost.status).toBe(400);
      expect(lost.body).toMatchObject({ type: 'RestException', message: expect.stringMatching(/^Cannot correlate message 'MODEL_APPROVED'.*no process definition or execution matches the parameters/i) });
    }
    // each instance caught its message once and ended once
    expect(await ledger(cluster, ['Catch_Approved', 'End'])).toEqual(cleanLedger(ROUNDS, ['Catch_Approved', 'End']));
    const wins = { A: rounds.filter((r) => r[0]!.status === 204).length, B: rounds.filter((r) => r[1]!.status === 204).length };
    console.log(`multi-node message race: ${ROUNDS} rounds, won by A ${wins.A}, by B ${wins.B}; losers answered ${JSON.stringify([...new Set(rounds.flat().filter((x) => x.status !== 204).map((x) => `${x.status} ${x.body?.type}`))])}`);
  }, 180_000);
});
