/**
 * An engine node among several on one PostgreSQL database (Camunda 7's shape: identical nodes,
 * no coordinator). Joining writes the node's heartbeat row and keeps it fresh (so the others can
 * tell when it died and take its jobs over), and opens the second connection that sends and
 * receives the wake-ups: after each commit that wrote work, the other nodes' schedulers, long
 * polls and definition caches hear of it (polling remains the fallback). SQLite never gets here:
 * one engine owns its file.
 */
import type { Logger } from 'pino';
import type { SqlDatabase } from '../store/sql-database.js';
import { NodeHeartbeat, type DatabaseTime } from '../store/postgres/node-heartbeat.js';
import { ALL_WORK, EngineNotifications, schemaOf } from '../store/postgres/notifications.js';
import { HistorySeqNumbers } from '../store/postgres/multi-node-history.js';

export interface ClusterOptions {
  /** the postgres:// URL the engine was opened with */
  url: string;
  nodeId: string;
  heartbeatIntervalMs: number;
  /** the engine's clock */
  now(): number;
  /** set when the engine runs on the database clock: re-measured with every heartbeat */
  time?: DatabaseTime;
  logger: Logger;
}

/** What the node does when another node wrote something. */
export interface ClusterHooks {
  /** the scheduler looks for due work now */
  wake(): void;
  /** long polls on these topics look again; null: on every topic */
  jobsAvailable(topics: string[] | null): void;
  /** definitions were deployed, deleted or suspended elsewhere */
  definitionsChanged(): void;
  /** the kinds of work this node's last commits wrote (taken once each) */
  takeWrittenWork(): string[];
}

export class ClusterMembership {
  /** notifications received from other nodes (for tests and metrics) */
  received = 0;

  private constructor(
    readonly heartbeat: NodeHeartbeat,
    private readonly notifications: EngineNotifications,
    private readonly hooks: ClusterHooks,
  ) {}

  static async join(db: SqlDatabase, options: ClusterOptions, hooks: ClusterHooks): Promise<ClusterMembership> {
    const { logger } = options;
    new HistorySeqNumbers(db).ensureSequence();
    const heartbeat = new NodeHeartbeat(db, options.nodeId, {
      intervalMs: options.heartbeatIntervalMs,
      now: options.now,
      time: options.time,
      failed: (error) => logger.error({ err: error.message }, 'node heartbeat failed'),
    });
    heartbeat.start();
    let membership: ClusterMembership | undefined;
    const notifications = await EngineNotifications.open(options.url, {
      schema: schemaOf(options.url),
      nodeId: options.nodeId,
      received: (kinds) => {
        if (membership) membership.received++;
        ClusterMembership.wakeUp(kinds, hooks);
      },
      failed: (error) => logger.warn({ err: error.message }, 'wake-ups from other engine nodes stopped; polling carries on'),
    });
    membership = new ClusterMembership(heartbeat, notifications, hooks);
    return membership;
  }

  /** After every commit: tell the other nodes what it wrote (one notification, coalesced). */
  committed(): void {
    const kinds = this.hooks.takeWrittenWork();
    if (kinds.length > 0) this.notifications.notify(kinds);
  }

  /**
   * A clean close: the heartbeat row goes and this node's job locks are given back, and the other
   * nodes are told (they would otherwise find the freed jobs only at their next poll).
   */
  async leave(): Promise<void> {
    try {
      this.heartbeat.leave();
      this.notifications.notify(['jobs']);
    } finally {
      await this.notifications.close();
    }
  }

  private static wakeUp(kinds: string[], hooks: ClusterHooks): void {
    const topics: string[] = [];
    let allJobs = false;
    let definitions = false;
    for (const kind of kinds) {
      if (kind.startsWith('topic:')) topics.push(kind.slice('topic:'.length));
      else if (kind === 'jobs' || kind === ALL_WORK) allJobs = true;
      if (kind === 'deploy' || kind === ALL_WORK) definitions = true;
    }
    if (definitions) hooks.definitionsChanged();
    if (allJobs || topics.length > 0) {
      hooks.wake();
      hooks.jobsAvailable(allJobs ? null : topics);
    }
  }
}
