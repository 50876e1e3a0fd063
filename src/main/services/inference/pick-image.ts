// The image a draft reads: the report model is trained on frontal chest films, so of a study's images the
// PA is taken, else the AP, else one whose view is unknown (many CR writers leave ViewPosition empty);
// never a lateral. A DICOM file given by itself is taken as it is: the user chose it.
import { readFile, stat } from 'node:fs/promises';
import type { DraftImage, DraftRequest } from '../../../shared/draft';
import { collectFiles } from '../dicom/collect-files';
import { parseDicom } from '../dicom/parse-dataset';
import { readHeader } from '../dicom/read-header';

const VIEW_ORDER = ['PA', 'AP', 'OTHER'] as const;

export function pickFrontal(images: readonly DraftImage[]): DraftImage {
  for (const view of VIEW_ORDER) {
    const found = images.find((image) => image.view === view);
    if (found) return found;
  }
  throw new Error('the study has only lateral images; the report model needs a frontal (PA or AP) image');
}

async function readImage(path: string): Promise<DraftImage & { studyUid: string }> {
  const header = readHeader(parseDicom(new Uint8Array(await readFile(path))).dataSet);
  if (!header.hasPixelData) throw new Error('no pixel data');
  return { path, view: header.view, sopInstanceUid: header.sopUid, studyUid: header.studyUid };
}

const draftImage = ({ path, view, sopInstanceUid }: DraftImage): DraftImage => ({
  path,
  view,
  sopInstanceUid,
});

/** A DICOM file, or a folder of one study's files (files that are not DICOM images are passed over). */
async function imageAtPath(path: string): Promise<DraftImage> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
  } catch {
    throw new Error(`${path}: no such file or folder`);
  }
  if (!isFolder) {
    try {
      return draftImage(await readImage(path));
    } catch (err) {
      throw new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  const images: (DraftImage & { studyUid: string })[] = [];
  for (const candidate of await collectFiles([path])) {
    if ('error' in candidate) continue;
    try {
      images.push(await readImage(candidate.path));
    } catch {
      // Not a DICOM image (a DICOMDIR, a report, a stray file): nothing to draft from.
    }
  }
  const studies = new Set(images.map((i) => i.studyUid)).size;
  if (studies === 0) throw new Error(`${path}: no DICOM images in this folder`);
  if (studies > 1)
    throw new Error(
      `${path}: the folder holds ${studies} studies; pass one study's folder or one DICOM file`,
    );
  return draftImage(pickFrontal(images));
}

export function resolveDraftImage(source: DraftRequest['source']): Promise<DraftImage> {
  return source.kind === 'path' ? imageAtPath(source.path) : Promise.resolve(pickFrontal(source.images));
}
