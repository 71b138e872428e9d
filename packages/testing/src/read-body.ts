/**
 * A response body as loosely typed JSON: tests assert its shape with expect(), which is the check;
 * a static type would only restate it.
 */
// biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary JSON and assert on it at run time.
export async function body(response: Response | Promise<Response>): Promise<any> {
  return (await response).json();
}
