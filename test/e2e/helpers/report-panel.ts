// The report panel beside the images, and the reading behind it as main has it.
import type { Locator, Page } from '@playwright/test';
import type { Reading } from '../../../src/shared/reading';

export const reportPanel = (page: Page): Locator => page.getByRole('complementary', { name: 'Report' });

export const findingItems = (page: Page): Locator => reportPanel(page).getByTestId('finding');

/** A finding by its shown text (not the text of a box's "move to" choices). */
export const findingByText = (page: Page, text: string | RegExp): Locator =>
  findingItems(page).filter({ has: page.getByTestId('finding-text').filter({ hasText: text }) });

/** Moves the focus out of the panel (a click on nothing focusable), so keys are the viewer's. */
export const leavePanel = (page: Page): Promise<void> =>
  reportPanel(page).getByRole('heading', { name: 'Report' }).click();

/** The study's reading as main has it, asked through the page's own window.lightbox. */
export const storedReading = (page: Page, studyId: string): Promise<Reading> =>
  page.evaluate((id) => window.lightbox.invoke('reading:open', { studyId: id }), studyId);
