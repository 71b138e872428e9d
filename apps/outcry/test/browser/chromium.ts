import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";

/** Where the browser tests find Chromium: CI installs the OS package (.ci/run). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Screenshots the browser tests leave behind for a person to look at (gitignored). */
export const SCREENSHOTS_DIR = fileURLToPath(
  new URL("../../../../test-results/screenshots/", import.meta.url),
);

/**
 * A headless Chromium for the browser tests. Without one they fail, saying how to get it: a
 * browser test that skips itself silently would let a broken page through CI.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not at ${CHROMIUM_PATH}, and the browser tests need it. Install it ` +
        "(Debian/Ubuntu: sudo apt-get install chromium; .ci/run does this) or set CHROMIUM_PATH.",
    );
  }
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}
