// Where an image point is on the page, so a spec can drag boxes on the image and check where they are
// drawn: the image is fitted and centred in the viewport's canvas, then zoomed, turned and mirrored.
import { expect, type Locator, type Page } from '@playwright/test';
import { viewport } from './viewport-pixels';

export type Rect = { x: number; y: number; width: number; height: number };
/** The image's size in pixels. */
export type ImageSize = { width: number; height: number };
/** How the image is shown: turned clockwise, then mirrored, at a zoom over the fitted size. */
export type View = { rotation: 0 | 90; flip?: boolean; zoom?: number };
export type Point = readonly [number, number];

export async function canvasRect(page: Page): Promise<Rect> {
  const box = await viewport(page, 0).locator('canvas').first().boundingBox();
  if (!box) throw new Error('no canvas');
  return box;
}

/** Screen pixels per image pixel of the fitted image. */
export const fitScale = (canvas: Rect, image: ImageSize): number =>
  Math.min(canvas.width / image.width, canvas.height / image.height);

/** An image point on the page. */
export function imageToPage(canvas: Rect, image: ImageSize, [x, y]: Point, view: View): [number, number] {
  const k = fitScale(canvas, image) * (view.zoom ?? 1);
  let dx = (x - image.width / 2) * k;
  let dy = (y - image.height / 2) * k;
  if (view.rotation === 90) [dx, dy] = [-dy, dx];
  if (view.flip) dx = -dx;
  return [canvas.x + canvas.width / 2 + dx, canvas.y + canvas.height / 2 + dy];
}

/** Where a box in image pixels is on the page. */
export function boxOnPage(canvas: Rect, image: ImageSize, box: Rect, view: View): Rect {
  const [a, b] = [
    imageToPage(canvas, image, [box.x, box.y], view),
    imageToPage(canvas, image, [box.x + box.width, box.y + box.height], view),
  ];
  return {
    x: Math.min(a[0], b[0]),
    y: Math.min(a[1], b[1]),
    width: Math.abs(a[0] - b[0]),
    height: Math.abs(a[1] - b[1]),
  };
}

/** A mouse drag in small steps, as a hand makes it (the annotation tools need the moves between). */
export async function drag(page: Page, from: Point, to: Point): Promise<void> {
  await page.mouse.move(from[0], from[1]);
  await page.mouse.down();
  await page.mouse.move((from[0] + to[0]) / 2, (from[1] + to[1]) / 2, { steps: 5 });
  await page.mouse.move(to[0], to[1], { steps: 5 });
  await page.mouse.up();
}

/** Cornerstone's rectangle of a box while boxes are edited. */
export const annotationRect = (page: Page, boxId: string): Locator =>
  viewport(page, 0).locator(`rect[data-id="${boxId}-rect"]`);

export const elementRect = (el: Locator): Promise<Rect> =>
  el.evaluate((e) => {
    const r = e.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });

/** Largest difference of position or size, in page pixels. */
export const rectDistance = (a: Rect, b: Rect): number =>
  Math.max(
    Math.abs(a.x - b.x),
    Math.abs(a.y - b.y),
    Math.abs(a.width - b.width),
    Math.abs(a.height - b.height),
  );

export async function expectAnnotationAt(
  page: Page,
  image: ImageSize,
  boxId: string,
  box: Rect,
  view: View,
): Promise<void> {
  const want = boxOnPage(await canvasRect(page), image, box, view);
  await expect
    .poll(
      async () => rectDistance(await elementRect(annotationRect(page, boxId)), want),
      `box ${boxId} at ${JSON.stringify(view)}`,
    )
    .toBeLessThan(2.5);
}
