import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

export type { HtmlEscapedString } from "hono/utils/html";

/**
 * hono's `html` tag, for markup built synchronously: every interpolated string is escaped (& < > "
 * '), nested markup and arrays of it are kept as they are. Pages never await inside a template.
 */
export function markup(strings: TemplateStringsArray, ...values: unknown[]): HtmlEscapedString {
  const result = html(strings, ...values);
  if (result instanceof Promise) throw new Error("markup must not interpolate promises");
  return result;
}
