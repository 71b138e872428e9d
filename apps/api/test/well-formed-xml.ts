const NAME = /^[A-Za-z_][\w.:-]*$/;
const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
const TOKEN =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)([^\s/>]*)([^>]*?)(\/?)>|([^<]+)|(<)/g;
const ATTRIBUTE = /\s+([^\s=]+)\s*=\s*("[^"<]*"|'[^'<]*')/y;

/**
 * Throws unless `text` is a well-formed XML document: one root element, tags closed in order,
 * attributes quoted and unique, no bare `&` or `<`. Enough to catch broken escaping, with no
 * parser to install; it validates nothing against a schema.
 */
export function assertWellFormedXml(text: string): void {
  const open: string[] = [];
  let roots = 0;
  for (const match of text.matchAll(TOKEN)) {
    const [whole, closing, name, attributes, selfClosing, chars, stray] = match;
    const at = `at offset ${match.index}`;
    if (stray !== undefined) throw new Error(`bare "<" ${at}`);
    if (chars !== undefined) {
      if (ENTITY.test(chars)) throw new Error(`bare "&" ${at}`);
      if (open.length === 0 && chars.trim() !== "") throw new Error(`text outside the root ${at}`);
      continue;
    }
    if (name === undefined) continue; // comment, processing instruction or CDATA
    if (!NAME.test(name)) throw new Error(`bad tag name "${name}" ${at}`);
    if (closing) {
      if (open.pop() !== name) throw new Error(`</${name}> closes nothing open ${at}`);
      continue;
    }
    const seen = new Set<string>();
    ATTRIBUTE.lastIndex = 0;
    let rest = attributes ?? "";
    for (let attribute = ATTRIBUTE.exec(rest); attribute; attribute = ATTRIBUTE.exec(rest)) {
      const [, key = "", value = ""] = attribute;
      if (seen.has(key)) throw new Error(`attribute ${key} twice in <${name}> ${at}`);
      if (ENTITY.test(value)) throw new Error(`bare "&" in attribute ${key} ${at}`);
      seen.add(key);
      rest = rest.slice(ATTRIBUTE.lastIndex);
      ATTRIBUTE.lastIndex = 0;
    }
    if (rest.trim() !== "") throw new Error(`malformed attributes in ${whole} ${at}`);
    if (open.length === 0 && ++roots > 1) throw new Error(`a second root element ${at}`);
    if (!selfClosing) open.push(name);
  }
  if (open.length > 0) throw new Error(`unclosed <${open.at(-1)}>`);
  if (roots !== 1) throw new Error("no root element");
}
