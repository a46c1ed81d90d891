/**
 * Debian's chromium, the one browser the tests drive (never a downloaded one): its path
 * (`MLC_CHROMIUM` overrides it) and the flags every browser test launches it with.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.MLC_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}
