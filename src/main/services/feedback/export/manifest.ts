// manifest.json: what an export holds and how it was made, with the size and sha256 of every other
// file, so that a training job can verify the folder and an auditor can see what was left out and why.
import type { ExportFormat } from '../../../../shared/feedback';
import { DEID_PROFILE } from '../deidentify/basic-profile';
import type { ExportedFile } from './export-folder';
import type { Exclusion } from './prepare-record';

export const MANIFEST_FILE = 'manifest.json';

export type Manifest = {
  format: ExportFormat;
  createdAt: string;
  tool: { name: 'lightbox'; version: string | null };
  filters: { since: string | null; modelId: string | null };
  /** records listed by the filters = exported (with rows) + without rows in this layout + excluded. */
  counts: {
    records: number;
    exported: number;
    withoutRows: number;
    rows: number;
    images: number;
    excluded: number;
  };
  excluded: Exclusion[];
  deidentification: {
    profile: string;
    options: string[];
    version: string;
    text: string;
    dates: string;
    images: string;
  };
  files: ExportedFile[];
};

export function buildManifest(input: {
  format: ExportFormat;
  toolVersion: string | null;
  since?: string;
  modelId?: string;
  records: number;
  exported: number;
  rows: number;
  excluded: Exclusion[];
  files: readonly ExportedFile[];
}): Manifest {
  const images = input.files.filter((f) => f.path.startsWith('images/')).length;
  return {
    format: input.format,
    createdAt: new Date().toISOString(),
    tool: { name: 'lightbox', version: input.toolVersion },
    filters: { since: input.since ?? null, modelId: input.modelId ?? null },
    counts: {
      records: input.records,
      exported: input.exported,
      withoutRows: input.records - input.exported - input.excluded.length,
      rows: input.rows,
      images,
      excluded: input.excluded.length,
    },
    excluded: input.excluded,
    deidentification: {
      ...DEID_PROFILE,
      options: [...DEID_PROFILE.options],
      text:
        "free text masked: the study's own names, IDs, places, phone numbers and dates from its header, and the " +
        'name-like words and ID-like numbers of every element the profile removes (matched regardless of case, ' +
        'accents and transliteration), titled names, dates (month names in seven languages, with or without a ' +
        'year, Roman-numeral months), phone numbers, e-mail addresses, UIDs and MRN-like numbers; header text ' +
        'in the record (window and LUT explanations) only where the de-identified header keeps it',
      dates: "every date moved back by the patient's number of days (1-3650), times kept",
      images:
        'model-input rendition as 8-bit grayscale PNG without text chunks; images whose header says or may ' +
        'say they carry burned-in annotation (anything but one value NO) are left out unless a radiologist ' +
        'confirmed their content clean, and so is every image whose file no longer matches its sha256 at intake',
    },
    files: [...input.files],
  };
}
