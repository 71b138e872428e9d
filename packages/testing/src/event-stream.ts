export interface ServerSentEvent {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

/**
 * A real Server-Sent Events client over fetch, for tests: parses frames as they arrive and keeps
 * them, with the count of comment lines (heartbeats). `close()` aborts the request.
 */
export async function openEventStream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const events: ServerSentEvent[] = [];
  let comments = 0;
  if (response.ok && response.body) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buffer += value;
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
          if (frame.startsWith(":")) comments++;
          const field = (name: string) => frame.match(new RegExp(`^${name}: ?(.*)$`, "m"))?.[1];
          const data = field("data");
          if (data)
            events.push({
              id: field("id") ?? "",
              event: field("event") ?? "message",
              data: JSON.parse(data),
            });
        }
      }
    })();
  }
  return { response, events, comments: () => comments, close: () => abort.abort() };
}
