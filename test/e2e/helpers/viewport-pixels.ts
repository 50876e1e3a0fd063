// Reads what a viewport shows from a screenshot, so the check is the same on the GPU and CPU paths.
import { expect, type Locator, type Page } from '@playwright/test';
import { PNG } from 'pngjs';

/** A rectangle in fractions of the displayed image (not of the viewport). */
export type Region = { x0: number; y0: number; x1: number; y1: number };

export const CENTRE: Region = { x0: 0.25, y0: 0.25, x1: 0.75, y1: 0.75 };

export type Shot = { width: number; height: number; gray: Float32Array };

export const viewport = (page: Page, index = 0): Locator => page.getByTestId('viewport').nth(index);

export async function shoot(page: Page, index = 0): Promise<Shot> {
  const png = PNG.sync.read(await viewport(page, index).locator('canvas').first().screenshot());
  const gray = new Float32Array(png.width * png.height);
  for (let i = 0; i < gray.length; i++) {
    gray[i] = 0.299 * png.data[i * 4]! + 0.587 * png.data[i * 4 + 1]! + 0.114 * png.data[i * 4 + 2]!;
  }
  return { width: png.width, height: png.height, gray };
}

/** Mean grey level of a region of a square image fitted (centred) into the viewport. */
export function meanOf(shot: Shot, region: Region, imageAspect = 1): number {
  const fitW = Math.min(shot.width, shot.height * imageAspect);
  const fitH = fitW / imageAspect;
  const left = (shot.width - fitW) / 2;
  const top = (shot.height - fitH) / 2;
  let sum = 0;
  let n = 0;
  for (let y = Math.floor(top + region.y0 * fitH); y < top + region.y1 * fitH; y++) {
    for (let x = Math.floor(left + region.x0 * fitW); x < left + region.x1 * fitW; x++) {
      sum += shot.gray[y * shot.width + x]!;
      n++;
    }
  }
  return sum / n;
}

/** Mean absolute grey-level difference of two shots of the same viewport. */
export function difference(a: Shot, b: Shot): number {
  let sum = 0;
  for (let i = 0; i < a.gray.length; i++) sum += Math.abs(a.gray[i]! - (b.gray[i] ?? 0));
  return sum / a.gray.length;
}

export async function expectRendered(page: Page, index = 0): Promise<void> {
  await expect(viewport(page, index)).toHaveAttribute('data-rendered', 'true');
}
