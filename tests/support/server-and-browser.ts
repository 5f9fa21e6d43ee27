import { afterAll, beforeAll } from 'vitest';
import { type Browser, launchChromium } from './chromium';
import { type RunningServer, type ServerEnv, startServer } from './next-server';

/**
 * The real server and Debian's Chromium for the tests of the calling `describe`: started before
 * them, stopped after. Read `server` and `browser` inside the tests (they exist once started).
 */
export function serverAndBrowser(env: ServerEnv = {}): { readonly server: RunningServer; readonly browser: Browser } {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startServer(env);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('the server has not started (read it inside a test)');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('Chromium has not started (read it inside a test)');
      return browser;
    },
  };
}
