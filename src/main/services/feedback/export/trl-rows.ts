// TRL's conversational vision datasets, one JSON object a line: preference pairs for DPOTrainer and
// unpaired, labelled completions for KTOTrainer. The image is the first content part of the user turn
// and `images` names the PNG beside the file.
import type { FeedbackRecord, FindingAction } from '../../../../shared/feedback';
import { fillPhrase, groundingAnswer } from './grounding-answer';
import type { PreparedRecord } from './prepare-record';

type UserTurn = { role: 'user'; content: [{ type: 'image' }, { type: 'text'; text: string }] };
type AssistantTurn = { role: 'assistant'; content: [{ type: 'text'; text: string }] };

export type DpoRow = {
  prompt: [UserTurn];
  chosen: [AssistantTurn];
  rejected: [AssistantTurn];
  images: [string];
};
export type KtoRow = { prompt: [UserTurn]; completion: [AssistantTurn]; label: boolean; images: [string] };

const user = (text: string): [UserTurn] => [
  { role: 'user', content: [{ type: 'image' }, { type: 'text', text }] },
];
const assistant = (text: string): [AssistantTurn] => [
  { role: 'assistant', content: [{ type: 'text', text }] },
];

/** A grounding task of one finding: the instruction and the answer for a set of boxes. */
type Grounding = { instruction: string; answer: string };

function grounding(
  prompts: NonNullable<FeedbackRecord['prompts']>,
  text: string,
  boxes: FindingAction['draftBoxes'],
): Grounding {
  return { instruction: fillPhrase(prompts.phraseGrounding, text), answer: groundingAnswer(text, boxes) };
}

/**
 * Whether the reader changed the draft's findings. The final report is the kept findings joined, the
 * draft's report the model's whole text (headings and all), so the draft's findings are compared.
 */
export function draftChanged(record: FeedbackRecord): boolean {
  const joined = (record.draft?.findings ?? [])
    .map((f) => f.text.trim())
    .filter((t) => t.length > 0)
    .join(' ');
  return record.draft === null || joined !== record.final.report;
}

/**
 * The reader's report over the draft, when they differ; per finding whose boxes the reader changed, the
 * reader's boxes over the model's for the reader's wording of the finding (both sides need boxes).
 */
export function dpoRows({ record, image }: PreparedRecord): DpoRow[] {
  const { prompts, draft, final } = record;
  if (!prompts || !draft) return [];
  const row = (instruction: string, chosen: string, rejected: string): DpoRow => ({
    prompt: user(instruction),
    chosen: assistant(chosen),
    rejected: assistant(rejected),
    images: [image],
  });
  const rows: DpoRow[] = [];
  if (draftChanged(record) && final.report !== draft.report)
    rows.push(row(prompts.reportGeneration, final.report, draft.report));
  for (const action of record.actions) {
    if (!action.boxesChanged || action.finalText === null) continue;
    if (action.draftBoxes.length === 0 || action.finalBoxes.length === 0) continue;
    const chosen = grounding(prompts, action.finalText, action.finalBoxes);
    const rejected = grounding(prompts, action.finalText, action.draftBoxes);
    if (chosen.answer !== rejected.answer) rows.push(row(chosen.instruction, chosen.answer, rejected.answer));
  }
  return rows;
}

/**
 * A draft kept unchanged is desirable; a changed draft is undesirable and the reader's version desirable.
 * Per finding likewise: the model's boxes for its own sentence (undesirable when the reader moved them or
 * rejected the finding), and the reader's boxes for the reader's sentence when they differ or are new.
 */
export function ktoRows({ record, image }: PreparedRecord): KtoRow[] {
  const { prompts, draft, final } = record;
  if (!prompts) return [];
  const row = (instruction: string, completion: string, label: boolean): KtoRow => ({
    prompt: user(instruction),
    completion: assistant(completion),
    label,
    images: [image],
  });
  const rows: KtoRow[] = [];
  if (draft && !draftChanged(record)) rows.push(row(prompts.reportGeneration, draft.report, true));
  else {
    if (draft) rows.push(row(prompts.reportGeneration, draft.report, false));
    rows.push(row(prompts.reportGeneration, final.report, true));
  }
  for (const action of record.actions) {
    const modelSide = action.draftText !== null && action.draftBoxes.length > 0;
    if (modelSide) {
      const { instruction, answer } = grounding(prompts, action.draftText!, action.draftBoxes);
      rows.push(row(instruction, answer, action.action !== 'rejected' && !action.boxesChanged));
    }
    const readerSide = action.finalText !== null && action.finalBoxes.length > 0;
    if (readerSide && (action.boxesChanged || !modelSide)) {
      const { instruction, answer } = grounding(prompts, action.finalText!, action.finalBoxes);
      rows.push(row(instruction, answer, true));
    }
  }
  return rows;
}
