import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const ctx = await b.newContext({ viewport: { width: 1440, height: 900 } });
const p = await ctx.newPage();
const shots = JSON.parse(process.argv[2]);
for (const [url, file, wait] of shots) {
  await p.goto(url);
  await p.waitForSelector('[data-testid="map-summary"], h1', { timeout: 60000 });
  await p.waitForTimeout(wait ?? 4000);
  await p.screenshot({ path: file, fullPage: false });
}
await b.close();
