/**
 * Wake-ups between engine nodes on one PostgreSQL database: after a batch that wrote work (jobs,
 * tasks, subscriptions, messages, deployments) commits, the node sends one NOTIFY naming what it
 * wrote; every other node LISTENing wakes its scheduler and long polls at once instead of at its
 * next poll. Sent after the commit, never inside the transaction (a NOTIFY there takes a
 * database-wide lock at commit), on a connection of its own (the synchronous one is busy with
 * batches). A notification lost (a dropped connection) costs only the polling interval; a
 * dropped connection is opened again, and the node then looks at everything once.
 */
import pg from 'pg';

const CHANNEL = 'mlc_engine';
/** PostgreSQL refuses payloads of 8000 bytes and more: a longer list becomes "everything" */
const MAX_PAYLOAD = 7000;
/** the work kind that stands for "something changed, look at everything" */
export const ALL_WORK = '*';

export interface NotificationOptions {
  /** the `?schema=` of the URL: nodes of another schema on the same database are ignored */
  schema: string;
  nodeId: string;
  /** told what another node wrote */
  received(kinds: string[]): void;
  /** a lost connection (notifications stop until the node reopens; polling carries on) */
  failed(error: Error): void;
}

export class EngineNotifications {
  private readonly outbox = new Set<string>();
  private sending: Promise<void> | null = null;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  private constructor(
    private client: pg.Client,
    private readonly url: string,
    private readonly options: NotificationOptions,
  ) {}

  /** Connects a second connection to `url` and LISTENs. */
  static async open(url: string, options: NotificationOptions): Promise<EngineNotifications> {
    const notifications = new EngineNotifications(await EngineNotifications.listen(url), url, options);
    notifications.watch();
    return notifications;
  }

  private static async listen(url: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: withoutSchema(url) });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  private watch(): void {
    const client = this.client;
    client.on('notification', (message) => this.onNotification(message.payload ?? ''));
    // a lost connection (the server restarted): report it, connect again, and look at everything once
    const lost = (error?: Error) => {
      if (this.closed || this.client !== client) return;
      client.removeAllListeners();
      client.on('error', () => undefined);
      this.options.failed(error ?? new Error('the notification connection ended'));
      this.reconnect(1000);
    };
    client.on('error', lost);
    client.on('end', () => lost());
  }

  private reconnect(delay: number): void {
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.closed) return;
      EngineNotifications.listen(this.url).then(
        (client) => {
          if (this.closed) return void client.end().catch(() => undefined);
          this.client = client;
          this.watch();
          // whatever was announced while the connection was down
          this.options.received([ALL_WORK]);
          if (this.outbox.size > 0) this.startSending();
        },
        () => this.reconnect(Math.min(delay * 2, 10_000)),
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  /** Queues kinds of work written by a committed batch; everything queued goes out in one NOTIFY. */
  notify(kinds: Iterable<string>): void {
    if (this.closed) return;
    for (const kind of kinds) this.outbox.add(kind);
    if (this.outbox.size > 0) this.startSending();
  }

  /** Sends what is queued (a closing node's last word: the locks it gave back), then disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.sending;
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.client.end().catch(() => undefined);
  }

  private async send(): Promise<void> {
    try {
      while (this.outbox.size > 0 && !this.closed) {
        let kinds = [...this.outbox];
        this.outbox.clear();
        let payload = encode(this.options.schema, this.options.nodeId, kinds);
        if (payload.length > MAX_PAYLOAD) {
          kinds = [ALL_WORK];
          payload = encode(this.options.schema, this.options.nodeId, kinds);
        }
        await this.client.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]);
      }
    } catch (error) {
      if (!this.closed) this.options.failed(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private startSending(): void {
    if (this.sending) return;
    const sending = (this.sending = this.send());
    void sending.finally(() => {
      if (this.sending === sending) this.sending = null;
    });
  }

  private onNotification(payload: string): void {
    if (this.closed) return;
    const [schema, nodeId, list] = payload.split(SEPARATOR);
    // our own notifications come back too; other schemas are other engines
    if (schema !== this.options.schema || nodeId === this.options.nodeId || list === undefined) return;
    this.options.received(list === '' ? [] : list.split(SEPARATOR_KINDS));
  }
}

const SEPARATOR = '\u0001';
const SEPARATOR_KINDS = '\u0002';

function encode(schema: string, nodeId: string, kinds: string[]): string {
  return [schema, nodeId, kinds.join(SEPARATOR_KINDS)].join(SEPARATOR);
}

/** The `?schema=` parameter of an engine URL (PostgreSQL's own default when absent). */
export function schemaOf(url: string): string {
  try {
    return new URL(url).searchParams.get('schema') ?? 'public';
  } catch {
    return 'public';
  }
}

/** `schema` is ours, not a connection setting node-postgres knows. */
function withoutSchema(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.searchParams.delete('schema');
    return parsed.toString();
  } catch {
    return url;
  }
}
