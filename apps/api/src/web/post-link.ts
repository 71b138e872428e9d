// A DID as the AT Protocol allows it (did:plc:…, did:web:…) and a record key; anything else is
// not linked, so a stored URI can never become a javascript: or off-site link.
const POST_URI =
  /^at:\/\/(did:[a-z]+:[A-Za-z0-9._:%-]{1,2048})\/app\.bsky\.feed\.post\/([A-Za-z0-9._~:-]{1,512})$/;

/** The bsky.app page of a post, from its at:// URI; undefined for a URI that is not a post's. */
export function postUrl(uri: string): string | undefined {
  const match = POST_URI.exec(uri);
  if (!match) return undefined;
  return `https://bsky.app/profile/${match[1]}/post/${match[2]}`;
}
