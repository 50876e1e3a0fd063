// The editable part of a reading (findings with their boxes, the impression), as stored after every edit,
// and the state a first reading starts from: the draft's findings, each pending, with the model's boxes.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Box, Draft } from '../../../shared/draft';
import { readingFindingSchema, type ReaderBox } from '../../../shared/reading';

export const readingStateSchema = z.object({
  findings: z.array(readingFindingSchema),
  impression: z.string(),
});
export type ReadingState = z.infer<typeof readingStateSchema>;

export const EMPTY_STATE: ReadingState = { findings: [], impression: '' };

export const newId = (): string => randomBytes(8).toString('hex');

const plainBox = ({ x, y, width, height }: Box): Box => ({ x, y, width, height });

export function stateFromDraft(draft: Draft): ReadingState {
  return {
    findings: draft.findings.map((finding, index) => ({
      id: newId(),
      modelIndex: index,
      modelText: finding.text,
      text: finding.text,
      state: 'pending',
      boxes: finding.boxes.map((box): ReaderBox => ({
        ...plainBox(box),
        id: newId(),
        source: 'model',
        modelBox: plainBox(box),
      })),
    })),
    impression: '',
  };
}
