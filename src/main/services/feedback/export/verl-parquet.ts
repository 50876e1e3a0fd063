// verl's RL data layout (as its multimodal examples write it), one Parquet file: data_source, prompt (chat
// messages, "<image>" where the image goes), images ([{bytes}] PNG), ability, reward_model ({style:
// 'rule', ground_truth}), extra_info. Pages are UNCOMPRESSED so that the file can be checked byte-wise for
// identifiers; row groups are flushed as they fill so that a large export does not sit in memory.
import { ByteWriter, ParquetWriter, type SchemaElement, type Writer } from 'hyparquet-writer';
import { fillPhrase, groundingAnswer } from './grounding-answer';
import type { AppendFile } from './export-folder';
import type { PreparedRecord } from './prepare-record';

export type VerlTask = 'report-generation' | 'phrase-grounding';

export type VerlRow = {
  data_source: 'lightbox';
  prompt: { role: 'user'; content: string }[];
  images: { bytes: Uint8Array }[];
  ability: 'radiology-report' | 'phrase-grounding';
  reward_model: { style: 'rule'; ground_truth: string };
  extra_info: { index: bigint; record_id: string; task: VerlTask; split: 'train' };
};

const IMAGE = '<image>';
const ROWS_PER_GROUP = 64;
const BYTES_PER_GROUP = 32 * 1024 * 1024;

const text = (name: string): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: 'REQUIRED',
});
const group = (name: string, children: number): SchemaElement => ({
  name,
  repetition_type: 'REQUIRED',
  num_children: children,
});
/** A Parquet LIST of required structs, in the three-level layout readers agree on. */
const list = (name: string, children: number): SchemaElement[] => [
  { name, repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  group('element', children),
];

const SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 6 },
  text('data_source'),
  ...list('prompt', 2),
  text('role'),
  text('content'),
  ...list('images', 1),
  { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'REQUIRED' },
  text('ability'),
  group('reward_model', 2),
  text('style'),
  text('ground_truth'),
  group('extra_info', 4),
  { name: 'index', type: 'INT64', repetition_type: 'REQUIRED' },
  text('record_id'),
  text('task'),
  text('split'),
];
const COLUMNS = ['data_source', 'prompt', 'images', 'ability', 'reward_model', 'extra_info'] as const;

/** The report task with the reader's report, and one grounding task per final finding with boxes. */
export function verlRows({ record, png }: PreparedRecord, firstIndex: number): VerlRow[] {
  const { prompts, final } = record;
  if (!prompts) return [];
  const row = (task: VerlTask, instruction: string, groundTruth: string, index: number): VerlRow => ({
    data_source: 'lightbox',
    prompt: [{ role: 'user', content: `${IMAGE}${instruction}` }],
    images: [{ bytes: png }],
    ability: task === 'report-generation' ? 'radiology-report' : 'phrase-grounding',
    reward_model: { style: 'rule', ground_truth: groundTruth },
    extra_info: { index: BigInt(index), record_id: record.recordId, task, split: 'train' },
  });
  const rows = [row('report-generation', prompts.reportGeneration, final.report, firstIndex)];
  for (const finding of final.findings) {
    if (finding.boxes.length === 0) continue;
    const instruction = fillPhrase(prompts.phraseGrounding, finding.text);
    rows.push(
      row(
        'phrase-grounding',
        instruction,
        groundingAnswer(finding.text, finding.boxes),
        firstIndex + rows.length,
      ),
    );
  }
  return rows;
}

export class VerlParquetWriter {
  private readonly parquet: ParquetWriter;
  private pending: VerlRow[] = [];
  private pendingBytes = 0;
  private count = 0;

  constructor(private readonly file: AppendFile) {
    const bytes = new ByteWriter();
    // Each row group goes to the file as soon as it is encoded (the writer then reuses its buffer).
    const flush = async () => {
      await file.write(bytes.getBytes());
      bytes.index = 0;
    };
    const writer: Writer = Object.assign(bytes, { flush, finish: flush });
    this.parquet = new ParquetWriter({
      writer,
      schema: SCHEMA,
      codec: 'UNCOMPRESSED',
      statistics: false,
      createdBy: 'lightbox',
    });
  }

  /** Rows so far. */
  get rows(): number {
    return this.count;
  }

  async add(prepared: PreparedRecord): Promise<number> {
    const rows = verlRows(prepared, this.count);
    this.count += rows.length;
    this.pending.push(...rows);
    this.pendingBytes += rows.length * prepared.png.byteLength;
    if (this.pending.length >= ROWS_PER_GROUP || this.pendingBytes >= BYTES_PER_GROUP)
      await this.writeGroup();
    return rows.length;
  }

  async finish(): Promise<void> {
    await this.writeGroup();
    await this.parquet.finish();
    await this.file.close();
  }

  private async writeGroup(): Promise<void> {
    const rows = this.pending;
    if (rows.length === 0) return;
    this.pending = [];
    this.pendingBytes = 0;
    await this.parquet.write({
      columnData: COLUMNS.map((name) => ({ name, data: rows.map((r) => r[name]) })),
      rowGroupSize: rows.length,
    });
  }
}
