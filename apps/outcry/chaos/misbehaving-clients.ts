import { connect, type Socket } from "node:net";

/** A report request written by hand, so a client can stop anywhere in it. */
function reportRequest(apiUrl: string, address: string): { head: string; body: string } {
  const url = new URL(apiUrl);
  const body = JSON.stringify({ service: "steam", problem: "login", region: "DE" });
  const head = [
    "POST /v1/reports HTTP/1.1",
    `Host: ${url.host}`,
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Forwarded-For: ${address}`,
    "",
    "",
  ].join("\r\n");
  return { head, body };
}

function open(apiUrl: string): Promise<Socket> {
  const url = new URL(apiUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Addresses no load reporter uses (the load's reporters are 10.0.0.0/12 at most). */
const addressOf = (n: number) => `10.250.${(n >> 8) & 255}.${n & 255}`;

/**
 * Clients that close their socket abruptly (a TCP reset) mid-request, spread over the replicas:
 * half after part of the body, half after all of it but before the answer. The latter may be
 * queued and counted without anyone hearing so: `completeBodies` of them.
 */
export async function dropConnectionsMidRequest(
  apiUrls: readonly string[],
  count: number,
): Promise<{ dropped: number; completeBodies: number }> {
  let completeBodies = 0;
  const drops = Array.from({ length: count }, async (_, n) => {
    const apiUrl = apiUrls[n % apiUrls.length] as string;
    const { head, body } = reportRequest(apiUrl, addressOf(n));
    const socket = await open(apiUrl);
    socket.on("error", () => {});
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    const complete = n % 2 === 1;
    if (complete) completeBodies++;
    socket.write(complete ? head + body : head + body.slice(0, body.length >> 1));
    // A moment for the server to start on it, then a reset rather than a polite FIN.
    await new Promise((resolve) => setTimeout(resolve, complete ? 0 : 5));
    socket.resetAndDestroy();
    await closed;
  });
  await Promise.all(drops);
  return { dropped: count, completeBodies };
}

/**
 * Clients that send their headers and part of the body, then nothing more, holding their socket
 * open: the server must cut them off (its request timeout) while answering everyone else.
 */
export class SlowClients {
  readonly openedAt = Date.now();
  /** When the server closed each one (epoch ms), or undefined while it is still open. */
  readonly closedAt: (number | undefined)[];
  readonly #sockets: Socket[];

  private constructor(sockets: Socket[]) {
    this.#sockets = sockets;
    this.closedAt = sockets.map(() => undefined);
    sockets.forEach((socket, index) => {
      socket.on("error", () => {});
      // Read (and drop) whatever comes: a paused socket never sees the server's FIN, nor closes.
      socket.resume();
      socket.once("close", () => {
        this.closedAt[index] = Date.now();
      });
    });
  }

  static async open(apiUrl: string, count: number, firstAddress = 1_000): Promise<SlowClients> {
    const sockets = await Promise.all(Array.from({ length: count }, () => open(apiUrl)));
    sockets.forEach((socket, index) => {
      const { head, body } = reportRequest(apiUrl, addressOf(firstAddress + index));
      socket.write(head + body.slice(0, 10));
    });
    return new SlowClients(sockets);
  }

  get allCutOff(): boolean {
    return this.closedAt.every((at) => at !== undefined);
  }

  /** Milliseconds until the server cut off the last of them, or undefined while any is open. */
  get cutOffAfterMs(): number | undefined {
    if (!this.allCutOff) return undefined;
    return Math.max(...(this.closedAt as number[])) - this.openedAt;
  }

  destroy(): void {
    for (const socket of this.#sockets) socket.destroy();
  }
}
