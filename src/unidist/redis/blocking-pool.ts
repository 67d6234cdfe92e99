/**
 * Connections for blocking queue takes (BLPOP blocks its whole connection, so each waiting head
 * has its own; SPEC §5). Idle ones are kept for reuse, up to a few. A blocking connection never
 * reconnects: when it breaks it is dropped, and the next take opens a new one.
 *
 * Cancelling a BLPOP (timeout, abort, close) is CLIENT UNBLOCK from the main connection. The
 * BLPOP may not have reached Redis yet when the UNBLOCK does (two sockets, no order between
 * them); then UNBLOCK answers 0 and is sent again after a millisecond, until the BLPOP has
 * answered. Its answer, not the cancellation, decides what the caller gets, so a message taken
 * at the instant of cancelling is never lost.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { RuntimeFailure } from '../../core/errors.js';
import { RedisConnection, type ConnectionSettings } from './connection.js';

const MAX_IDLE = 4;

export interface BlockingConnection {
  readonly conn: RedisConnection;
  /** CLIENT ID, for CLIENT UNBLOCK. */
  readonly id: string;
}

export class BlockingPool {
  private readonly idle: BlockingConnection[] = [];
  private readonly all = new Set<BlockingConnection>();
  private closed = false;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly main: RedisConnection,
  ) {}

  /** A ready blocking connection (opened if none is idle); PB_ERR_UNIDIST_UNAVAILABLE after `deadlineAt`. */
  async take(deadlineAt: number): Promise<BlockingConnection> {
    for (;;) {
      if (this.closed) throw new RuntimeFailure('PB_ERR_CLOSED', 'this unidist is closed');
      const b = this.idle.pop();
      if (!b) break;
      if (b.conn.isReady) return b;
      this.drop(b);
    }
    await this.main.waitReady(deadlineAt);
    let conn: RedisConnection;
    try {
      conn = await RedisConnection.open(this.settings, 'blocking');
    } catch (e) {
      throw new RuntimeFailure('PB_ERR_UNIDIST_UNAVAILABLE', `cannot open a blocking connection to Redis at ${this.settings.target.display}: ${(e as Error).message}`, { cause: e });
    }
    const id = String(await conn.send<number>(['CLIENT', 'ID'], deadlineAt).catch(async (e: unknown) => {
      await conn.close();
      throw e;
    }));
    const b = { conn, id };
    this.all.add(b);
    if (this.closed) {
      this.drop(b);
      throw new RuntimeFailure('PB_ERR_CLOSED', 'this unidist is closed');
    }
    return b;
  }

  /** Hand a connection back after its BLPOP answered. */
  give(b: BlockingConnection): void {
    if (this.closed || !b.conn.isReady || this.idle.length >= MAX_IDLE) this.drop(b);
    else this.idle.push(b);
  }

  /** A connection that broke, or whose state is unknown. */
  drop(b: BlockingConnection): void {
    this.all.delete(b);
    const i = this.idle.indexOf(b);
    if (i >= 0) this.idle.splice(i, 1);
    void b.conn.close();
  }

  /** Unblock `b`'s BLPOP; resolves once `answered` has settled (see the file comment). */
  async unblock(b: BlockingConnection, answered: Promise<unknown>): Promise<void> {
    let done = false;
    void answered.then(
      () => (done = true),
      () => (done = true),
    );
    for (let attempt = 0; !done; attempt++) {
      if (!this.main.isReady) {
        // Redis is away: its BLPOP's connection breaks too (or already did); make sure it does.
        this.drop(b);
        break;
      }
      let n: number;
      try {
        n = await this.main.send<number>(['CLIENT', 'UNBLOCK', b.id]);
      } catch {
        // Redis is away: the BLPOP's connection breaks too (or already did).
        this.drop(b);
        break;
      }
      if (n === 1 || done) break;
      await delay(Math.min(1 + attempt, 20));
    }
    await answered.catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(all.map((b) => b.conn.close()));
  }
}
