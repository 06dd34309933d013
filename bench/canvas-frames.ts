// Frame times on the canvas while a person pans and zooms, for the canvas and scale benches.
import type { Page } from '@playwright/test';

export interface Frames { frames: number; p50: number; p95: number; max: number; over50: number }

/** Frame intervals (requestAnimationFrame) while `drive` moves the mouse over the pane's centre (cx, cy). */
async function recordFrames(page: Page, drive: (cx: number, cy: number) => Promise<void>): Promise<Frames> {
  // Plain strings: tsx's helpers must not leak into the page.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__run = true;
    let last = performance.now();
    const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__run) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  const box = (await page.locator('.react-flow__pane').boundingBox())!;
  await drive(box.x + box.width / 2, box.y + box.height / 2);
  const frames = (await page.evaluate('(() => { window.__run = false; return window.__frames.slice(1); })()')) as number[];
  const sorted = [...frames].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return { frames: frames.length, p50: q(0.5), p95: q(0.95), max: sorted[sorted.length - 1] ?? 0, over50: frames.filter((f) => f > 50).length };
}

/** Panning with the mouse, scrolling with the wheel and zooming (Ctrl + wheel), three times. */
export function frameTimes(page: Page): Promise<Frames> {
  return recordFrames(page, async (cx, cy) => {
    for (let round = 0; round < 3; round++) {
      await page.mouse.move(cx, cy + 150);
      await page.mouse.down();
      await page.mouse.move(cx + 40, cy - 250, { steps: 30 });
      await page.mouse.up();
      for (let i = 0; i < 12; i++) await page.mouse.wheel(0, 220);
      for (let i = 0; i < 6; i++) {
        await page.keyboard.down('Control');
        await page.mouse.wheel(0, i < 3 ? 120 : -120);
        await page.keyboard.up('Control');
      }
    }
  });
}

/** Panning only (press, drag, release), four times: what the "panning p95" is stated for. */
export function panTimes(page: Page): Promise<Frames> {
  return recordFrames(page, async (cx, cy) => {
    for (let round = 0; round < 4; round++) {
      await page.mouse.move(cx - 200, cy + 200);
      await page.mouse.down();
      await page.mouse.move(cx + 200, cy - 200, { steps: 40 });
      await page.mouse.move(cx - 100, cy - 300, { steps: 20 });
      await page.mouse.up();
    }
  });
}
