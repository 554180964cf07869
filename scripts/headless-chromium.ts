/**
 * Debian's Chromium, driven by playwright-core (which never downloads a browser of its own), for
 * the browser tests and for the README's screenshots. No network: besides the flags that stop
 * Chromium's own background traffic, the context is offline, unless a test serves its page from
 * this machine (the playground, on 127.0.0.1) and checks every request itself.
 */
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.LSTM_PARITY_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why Chromium cannot be used here, or undefined when it can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `${CHROMIUM_PATH} not found (apt-get install -y chromium, or set LSTM_PARITY_CHROMIUM)`;
}

/** A fresh browser whose profile lives in `profileDir` (made anew by the caller, removed after). */
export function launchChromium(profileDir: string, viewport = { width: 1280, height: 900 }, { offline = true } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, viewport, offline });
}
