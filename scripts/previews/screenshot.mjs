// node screenshot.mjs <html dir> <png dir>: every <name>.html in the first folder becomes
// <name>-600.png and <name>-375.png (full page) in the second, through Debian's Chromium.
// 600 px is the layout's design width (desktop clients); 375 px is a common phone width.
// Offline on purpose: the emails load nothing remote, and any request is refused and reported.
import { chromium } from 'playwright-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join, basename } from 'node:path';

const [htmlDir, pngDir] = process.argv.slice(2);
if (!htmlDir || !pngDir) {
  console.error('usage: node screenshot.mjs <html dir> <png dir>');
  process.exit(2);
}
const widths = [600, 375];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
try {
  for (const file of readdirSync(htmlDir).filter((f) => f.endsWith('.html')).sort()) {
    const name = basename(file, '.html');
    const html = readFileSync(join(htmlDir, file), 'utf8');
    for (const width of widths) {
      const page = await browser.newPage({ viewport: { width, height: 800 }, deviceScaleFactor: 1 });
      page.on('request', (request) => {
        if (!request.url().startsWith('data:') && request.url() !== 'about:blank') {
          console.error(`${name}: the email tried to load ${request.url()}`);
          failures++;
        }
      });
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      const out = join(pngDir, `${name}-${width}.png`);
      await page.screenshot({ path: out, fullPage: true });
      console.log(out);
      await page.close();
    }
  }
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
