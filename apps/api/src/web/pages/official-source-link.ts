/** A source a reader can open: the page itself, or the account on bsky.app. */
export function sourceLink(key: string): string {
  return key.startsWith("at://") ? `https://bsky.app/profile/${key.slice("at://".length)}` : key;
}

export function sourceLabel(key: string): string {
  return key.startsWith("at://") ? `@${key.slice("at://".length)}` : new URL(key).host;
}
