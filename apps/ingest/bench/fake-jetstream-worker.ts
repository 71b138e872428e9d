// Runs the fake Jetstream in a worker thread, so it does not share the measured event loop.
import { parentPort } from "node:worker_threads";
import { FakeJetstream } from "@outcry/testing";
import { firehoseMix } from "@outcry/text";

const port = parentPort;
if (!port) throw new Error("run as a worker");
const jetstream = await FakeJetstream.start();
port.postMessage({ url: jetstream.url });
port.on("message", async (command: { count: number; perSecond: number } | "close") => {
  if (command === "close") {
    await jetstream.close();
    port.postMessage({ closed: true });
    return;
  }
  const mix = firehoseMix(Math.min(command.count, 200_000), 11);
  const result = await jetstream.stream(command.count, command.perSecond, (n) => {
    const post = mix[n % mix.length] as { text: string; langs?: string[] };
    return { did: `did:plc:bench${n % 5000}`, rkey: `b${n}`, text: post.text, langs: post.langs ?? [] };
  });
  port.postMessage({ streamed: result });
});
