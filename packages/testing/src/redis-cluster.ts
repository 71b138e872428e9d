import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { freePort, PrivateRedis } from "./test-redis.ts";
import { waitFor } from "./wait-for.ts";

const run = promisify(execFile);

/**
 * A Redis Cluster of a test's own on 127.0.0.1: `masters` cluster-enabled redis-servers (AOF on,
 * no replicas) joined with `redis-cli --cluster create`, the way an operator builds one.
 */
export class LocalRedisCluster {
  readonly nodes: PrivateRedis[];

  private constructor(nodes: PrivateRedis[]) {
    this.nodes = nodes;
  }

  static async start(masters = 3): Promise<LocalRedisCluster> {
    const nodes: PrivateRedis[] = [];
    try {
      for (let i = 0; i < masters; i++) {
        // The cluster bus needs a port too; the default (port + 10000) may be past 65535.
        const busPort = await freePort();
        nodes.push(
          await PrivateRedis.start(({ port, dir }) => [
            "--port",
            String(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            dir,
            "--cluster-enabled",
            "yes",
            "--cluster-port",
            String(busPort),
            "--cluster-config-file",
            "nodes.conf",
            "--cluster-node-timeout",
            "5000",
            "--appendonly",
            "yes",
            "--save",
            "",
          ]),
        );
      }
      await run("redis-cli", [
        "--cluster",
        "create",
        ...nodes.map((node) => `127.0.0.1:${node.port}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      ]);
      const cluster = new LocalRedisCluster(nodes);
      await waitFor(async () => (await cluster.#everyNodeSaysOk()) || undefined, {
        timeoutMs: 15_000,
        what: "the Redis Cluster to be ok on every node",
      });
      return cluster;
    } catch (error) {
      await Promise.all(nodes.map((node) => node.destroy()));
      throw error;
    }
  }

  /** How Outcry is pointed at it (REDIS_URL). */
  get url(): string {
    return `redis+cluster://${this.nodes.map((node) => `127.0.0.1:${node.port}`).join(",")}`;
  }

  /** Keys matching `pattern` on each master: where the cluster put them. */
  async keysPerNode(pattern: string): Promise<string[][]> {
    return Promise.all(
      this.nodes.map(async (node) => {
        const client = new Redis(node.url, { maxRetriesPerRequest: 1 });
        try {
          const keys: string[] = [];
          let cursor = "0";
          do {
            const [next, batch] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
            cursor = next;
            keys.push(...batch);
          } while (cursor !== "0");
          return keys;
        } finally {
          client.disconnect();
        }
      }),
    );
  }

  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.destroy()));
  }

  async #everyNodeSaysOk(): Promise<boolean> {
    const states = await Promise.all(
      this.nodes.map(async (node) => {
        const { stdout } = await run("redis-cli", ["-p", String(node.port), "cluster", "info"]);
        return stdout.includes("cluster_state:ok");
      }),
    );
    return states.every(Boolean);
  }
}
