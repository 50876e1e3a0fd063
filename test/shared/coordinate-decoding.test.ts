// Drafts and feedback records stored before box coordinates were decoded by their median still load, and
// say what they were: token by token.
import { describe, expect, it } from 'vitest';
import { draftSchema } from '../../src/shared/draft';
import { feedbackRecordSchema } from '../../src/shared/feedback';
import { nemaDraft } from '../e2e/helpers/stored-draft';

describe('decoding.coordinates', () => {
  it("reads as 'tokens' in a draft stored without it, and keeps 'median'", () => {
    const draft = nemaDraft('1.2.3', []);
    const { coordinates: _dropped, ...older } = draft.decoding;
    expect(draftSchema.parse({ ...draft, decoding: older }).decoding.coordinates).toBe('tokens');
    const median = { ...draft, decoding: { ...draft.decoding, coordinates: 'median' } };
    expect(draftSchema.parse(median).decoding.coordinates).toBe('median');
    expect(draftSchema.safeParse({ ...draft, decoding: { ...older, coordinates: 'mean' } }).success).toBe(
      false,
    );
  });

  it("reads as 'tokens' in a feedback record's decoding stored without it", () => {
    const decoding = feedbackRecordSchema.shape.decoding.parse({
      maxNewTokens: 512,
      groundingMaxNewTokens: 96,
      sampling: null,
    });
    expect(decoding?.coordinates).toBe('tokens');
  });
});
