/** One RFC 4180 row with its CRLF: a field holding a comma, quote or line break is quoted. */
export function csvRow(fields: Array<string | number | null | undefined>): string {
  return `${fields
    .map((field) => {
      const text = field === null || field === undefined ? "" : String(field);
      return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(",")}\r\n`;
}
