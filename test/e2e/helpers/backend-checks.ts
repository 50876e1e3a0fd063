// Shared by the WebGL and no-WebGL specs: both rendering paths must show the same pixels.
import { expect } from '@playwright/test';
import { importSamples, type AppPage } from './app-page';
import { CENTRE, expectRendered, meanOf, shoot, viewport } from './viewport-pixels';

/** JPEG 2000, MONOCHROME1, 15 bits, PixelSpacing 0\0: the hardest sample for a renderer. */
export async function showNemaAndInvert(app: AppPage): Promise<void> {
  const { page } = app;
  await importSamples(page, 4);
  await page.getByTestId('study-row').filter({ hasText: 'CompressedSamples' }).click();
  await expectRendered(page, 0);
  await expect(viewport(page, 0)).not.toHaveAttribute('data-scale', 'NaN');
  const before = meanOf(await shoot(page, 0), CENTRE);
  expect(before).toBeGreaterThan(20);
  await page.keyboard.press('i');
  await expect(viewport(page, 0)).toHaveAttribute('data-invert', 'true');
  await expect.poll(async () => meanOf(await shoot(page, 0), CENTRE)).toBeCloseTo(255 - before, -1);
}

export async function backendText(app: AppPage): Promise<string | null> {
  await app.page.getByRole('button', { name: 'Settings' }).click();
  return app.page.getByTestId('render-backend').textContent();
}
