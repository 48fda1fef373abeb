/**
 * Test support: Debian's headless Chromium through playwright-core, as the browser tests and the
 * screenshot scripts launch it. `.ci/run` installs the package; PORTA_CHROMIUM points elsewhere.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env.PORTA_CHROMIUM ?? "/usr/bin/chromium";

/** One browser; each launch has a fresh temporary profile (--user-data-dir), removed on close. Fails naming what to install. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the browser tests need Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run installs it), or set PORTA_CHROMIUM`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
