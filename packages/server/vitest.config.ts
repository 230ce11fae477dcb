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
  },
});
