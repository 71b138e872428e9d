import type { Fault } from "./chaos-fault.ts";
import { recovery } from "./chaos-fault.ts";

/**
 * kill -9 of redis-server; its supervisor starts it again on the same port from the AOF (fsync on
 * every write), and every process reconnects by itself. Meanwhile the api answers 503 with
 * Retry-After. Recovered once every process is ready and a report is acknowledged again.
 */
export const redisRestarted: Fault = {
  name: "redis killed and restarted (AOF)",
  async inject({ system, load, progress }) {
    const injectedAt = Date.now();
    progress(`${this.name}: kill -9 of redis-server`);
    system.killRedis();
    let readyAt = 0;
    const recoveredAt = await recovery(async () => {
      if (!readyAt) {
        if (!(await system.allReady())) return false;
        readyAt = Date.now();
      }
      return load.lastCountedAt > readyAt;
    });
    return {
      fault: this.name,
      injectedAt,
      recoveredAt,
      notes: ["restarted by its supervisor; recovered = every process ready and reports acknowledged again"],
      unheard: 0,
    };
  },
};

/**
 * `pg_ctl restart -m fast` of the private cluster: every session is ended. Intake goes on (it needs
 * only Redis); the aggregators' batches fail and are retried. Recovered once every process is
 * ready and a batch has been applied since the restart.
 */
export const postgresRestarted: Fault = {
  name: "postgres restarted (pg_ctl -m fast)",
  async inject({ system, sql, progress }) {
    const injectedAt = Date.now();
    progress(`${this.name}: pg_ctl restart -m fast`);
    await system.postgres?.restart();
    const restartedAt = Date.now();
    const recoveredAt = await recovery(async () => {
      if (!(await system.allReady())) return false;
      const [row] = await sql`
        select exists (select from applied_batches where applied_at > to_timestamp(${restartedAt} / 1000.0))
          as applied`;
      return Boolean(row?.applied);
    });
    return {
      fault: this.name,
      injectedAt,
      recoveredAt,
      notes: [
        `pg_ctl took ${((restartedAt - injectedAt) / 1000).toFixed(1)} s; recovered = every process ready and batches applied again`,
      ],
      unheard: 0,
    };
  },
};
