import { defineConfig } from 'vitest/config';
import { CHROMIUM_PATH, chromiumInstalled, runWith } from '../../test-services.js';

// The dashboard's browser test drives Debian's Chromium: without it (and without AUTODEV_REQUIRE_SERVICES=1, which
// CI sets) that one file is left out, with a warning; everything else runs.
const browser = runWith(`Chromium at ${CHROMIUM_PATH}`, chromiumInstalled(), 'Install it with "apt-get install -y chromium" or set CHROMIUM_PATH.');

export default defineConfig({
  test: {
    name: 'server',
    include: ['test/**/*.test.ts'],
    exclude: browser ? [] : ['test/**/*.browser.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll gives up after 1 s by default. The dashboard test waits with it for what the page does in its own
    // time: insights reload 1 s after a live event (that poll passed by under 50 ms), charts redraw in a Chromium
    // that shares 2 cores with the rest of CI. A poll still ends as soon as its condition holds.
    expect: { poll: { timeout: 15_000 } },
  },
});
