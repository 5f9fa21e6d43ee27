import { gzipSync } from 'node:zlib';
import { compactVerify, createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { launchChromium } from '../support/chromium';
import type { RunningServer } from '../support/next-server';

// Issue #2 goals: /tokens first-load JavaScript under 200 KB gzipped; decode + verify of a 4 KB
// token in the page under 10 ms once the JWKS is cached. The baseline is jose's compactVerify of
// the same tokens in this Node process.

const RUNS = 30;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchTokenPage(server: RunningServer): Promise<Record<string, number>> {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const scripts = new Set<string>();
    page.on('response', (r) => {
      if (r.request().resourceType() === 'script') scripts.add(r.url());
    });
    await page.goto(`${server.url}/tokens`, { waitUntil: 'networkidle' });
    // First-load JS = the scripts the page's HTML asks for; the rest are prefetches of the other
    // pages the navigation links to (Next prefetches links in the viewport), reported apart.
    const html = await (await fetch(`${server.url}/tokens`)).text();
    let gzBytes = 0;
    let rawBytes = 0;
    let prefetchGzBytes = 0;
    let firstLoadScripts = 0;
    for (const url of scripts) {
      const body = Buffer.from(await (await fetch(url)).arrayBuffer());
      const gz = gzipSync(body, { level: 9 }).length;
      if (html.includes(new URL(url).pathname)) {
        firstLoadScripts++;
        rawBytes += body.length;
        gzBytes += gz;
      } else {
        prefetchGzBytes += gz;
      }
    }
    const mermaidLoaded = [...scripts].length > 0 && (await Promise.all([...scripts].map(async (u) => (await (await fetch(u)).text()).includes('sequenceDiagram')))).some(Boolean);

    // A 4 KB token signed with a key whose JWKS the page gets pasted (cached after the first use).
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' }] };
    const tokens: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      tokens.push(
        await new SignJWT({ sub: `system:serviceaccount:bench:sa-${i}`, aud: ['api://AzureADTokenExchange'], filler: 'x'.repeat(2800) })
          .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
          .setIssuer('https://bench.example/')
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(privateKey),
      );
    }
    await page.getByRole('button', { name: 'Paste a JWKS…' }).click();
    await page.getByLabel('JWKS (optional)').fill(JSON.stringify(jwks));
    const pageTimes: number[] = [];
    for (const token of tokens) {
      await page.evaluate(() => performance.clearMeasures('idlens:verify'));
      await page.getByLabel('Token', { exact: true }).fill(token);
      await page.getByText('Signature verified', { exact: false }).first().waitFor();
      const ms = await page.evaluate(() => performance.getEntriesByName('idlens:verify').at(-1)?.duration ?? NaN);
      pageTimes.push(ms);
    }
    const keySet = createLocalJWKSet(jwks);
    const nodeTimes: number[] = [];
    for (const token of tokens) {
      const t0 = performance.now();
      await compactVerify(token, keySet);
      nodeTimes.push(performance.now() - t0);
    }
    const tokenBytes = tokens[0]!.length;
    const result = {
      'tokens.firstLoadJsGzipKB': Math.round(gzBytes / 102.4) / 10,
      'tokens.firstLoadJsRawKB': Math.round(rawBytes / 102.4) / 10,
      'tokens.firstLoadScripts': firstLoadScripts,
      'tokens.prefetchedJsGzipKB': Math.round(prefetchGzBytes / 102.4) / 10,
      'tokens.mermaidLoaded': mermaidLoaded ? 1 : 0,
      'tokens.tokenBytes': tokenBytes,
      'tokens.pageVerifyMedianMs': Math.round(median(pageTimes) * 100) / 100,
      'tokens.pageVerifyMaxMs': Math.round(Math.max(...pageTimes) * 100) / 100,
      'tokens.nodeJoseVerifyMedianMs': Math.round(median(nodeTimes) * 100) / 100,
    };
    console.log(`tokens: /tokens first-load JS ${result['tokens.firstLoadJsGzipKB']} KB gzipped in ${firstLoadScripts} scripts (goal < 200 KB); later link prefetches ${result['tokens.prefetchedJsGzipKB']} KB; mermaid loaded: ${mermaidLoaded}`);
    console.log(`tokens: decode+verify of a ${tokenBytes}-byte token in Chromium: median ${result['tokens.pageVerifyMedianMs']} ms, max ${result['tokens.pageVerifyMaxMs']} ms (goal < 10 ms); baseline jose in Node ${result['tokens.nodeJoseVerifyMedianMs']} ms → ratio ${(median(pageTimes) / median(nodeTimes)).toFixed(2)}×`);
    return result;
  } finally {
    await browser.close();
  }
}
