// Screenshots of the summary and one tour step, for a human to look at (not a test): at 1,400 and 390 px,
// the top of the page and the tour after step 1's reveal. Run after ./build.sh build:
//   node tests/browser/tour-screenshot.mjs        → tests/browser/out/tour-*.png and docs/tour*.png
import { mkdirSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'out');
const docs = join(here, '..', '..', 'docs');
mkdirSync(out, { recursive: true });

const browser = await launch();
try {
  for (const width of [1400, 390]) {
    const { page, context } = await openPage(browser, { viewport: { width, height: 1000 } });
    await page.waitForSelector('#tour-stage .tour-choice');
    await page.waitForFunction(() => window.glmmDemo.timings().draw > 0);
    const top = join(out, `tour-top-${width}.png`);
    await page.screenshot({ path: top });
    await page.click('#tour-stage .tour-choice >> nth=1');
    await page.waitForFunction(() => document.activeElement?.classList.contains('tour-next'), null, { timeout: 120_000 });
    const step = join(out, `tour-step-${width}.png`);
    await page.locator('#tour').screenshot({ path: step });
    await page.locator('#causes').scrollIntoViewIfNeeded();
    const causes = join(out, `causes-${width}.png`);
    await page.locator('#causes').screenshot({ path: causes });
    if (width === 1400) {
      copyFileSync(step, join(docs, 'tour.png'));
      copyFileSync(top, join(docs, 'tour-top.png'));
      copyFileSync(causes, join(docs, 'causes.png'));
    } else {
      copyFileSync(step, join(docs, 'tour-phone.png'));
    }
    await context.close();
  }
} finally {
  await browser.close();
}
