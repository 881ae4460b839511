/**
 * The README's picture of a report: the top of the page (ledger and funnel) in headless Chromium.
 *   node --import tsx tests/report/screenshot.ts out/default/report.html src/report/screenshot.png
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [file, png] = process.argv.slice(2);
if (!file || !png) throw new Error('usage: screenshot.ts REPORT.html OUT.png');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 1150 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(resolve(file)).href);
  // the ledger table is long: fold it so the funnel fits in the picture
  await page.addStyleTag({ content: '#ledger table { display: none; }' });
  await page.screenshot({ path: png });
} finally {
  await browser.close();
}
