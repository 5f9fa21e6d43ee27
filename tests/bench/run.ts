// `npm run bench`: speed and memory goals, each printed against a baseline measured in the same run.
// Needs a production build (`npm run build`). Select benchmarks with arguments: tokens, map, map-browser, logs.
import { startServer } from '../support/next-server';
import { benchIdentityMap } from './identity-map.bench';
import { benchLogSearch } from './log-search.bench';
import { benchMapBrowser } from './map-browser.bench';
import { benchTokenPage } from './token-page.bench';

const wanted = new Set(process.argv.slice(2));
const run = (name: string) => wanted.size === 0 || wanted.has(name);

async function main() {
  const results: Record<string, number> = {};
  if (run('tokens') || run('map-browser')) {
    const server = await startServer();
    try {
      if (run('tokens')) Object.assign(results, await benchTokenPage(server));
      if (run('map-browser')) Object.assign(results, await benchMapBrowser(server));
    } finally {
      await server.stop();
    }
  }
  if (run('map')) {
    // Starts its own stand-ins and server (kubeconfig + live Azure against loopback).
    Object.assign(results, await benchIdentityMap());
  }
  if (run('logs')) {
    // No server: the file source and its index, against ripgrep over ~1 GB of generated logs.
    Object.assign(results, await benchLogSearch());
  }
  console.log(JSON.stringify(results, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
