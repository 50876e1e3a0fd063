// lightbox render <file.dcm> --out <file.png> [--frame N] [--window auto|minmax|C,W]: one image
// through the pipeline that prepares model input, written as an 8-bit grayscale PNG.
import { parseArgs } from 'node:util';
import {
  encodeGrayPng,
  parseWindowOption,
  renderFile,
  transferSyntaxName,
  type FileRendition,
  type WindowRequest,
} from '../../main/services/dicom/pixels';
import { writePrivateFile } from '../../main/private-files';

const USAGE = 'usage: lightbox render <file.dcm> --out <file.png> [--frame N] [--window auto|minmax|C,W]';

function fail(message: string, code = 1): number {
  process.stderr.write(`lightbox render: ${message}\n`);
  return code;
}

function errorMessage(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && err.code === 'ENOENT') return 'no such file';
  if (err && typeof err === 'object' && 'code' in err && err.code === 'EISDIR')
    return 'is a directory, not a file';
  return err instanceof Error ? err.message : String(err);
}

function describe(out: string, { info }: FileRendition, frameNumber: number): string {
  const voi =
    info.voi.kind === 'lut'
      ? `VOI LUT (${info.voi.entries} entries) from header`
      : `window C=${+info.voi.center.toFixed(2)} W=${+info.voi.width.toFixed(2)} (${info.voi.source}${info.voi.function === 'LINEAR' ? '' : `, ${info.voi.function}`})`;
  return (
    `wrote ${out}: ${info.columns}×${info.rows}, frame ${frameNumber}, ${info.photometric}` +
    `${info.inverted ? ' inverted' : ''}${info.colorToLuminance ? ' as luminance' : ''}, ${voi}, ` +
    `${transferSyntaxName(info.transferSyntaxUid)} (${info.transferSyntaxUid})`
  );
}

export async function renderCommand(argv: string[]): Promise<number> {
  let values: { out?: string; frame?: string; window?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        frame: { type: 'string' },
        window: { type: 'string', default: 'auto' },
      },
    }));
  } catch (err) {
    return fail(`${errorMessage(err)}\n${USAGE}`, 2);
  }
  const [input, ...extra] = positionals;
  if (!input || extra.length > 0) return fail(`expected one input file\n${USAGE}`, 2);
  if (!values.out) return fail(`--out <file.png> is required\n${USAGE}`, 2);

  // Frames are numbered from 1, as in DICOM and DCMTK's dcmj2pnm --frame.
  const frameNumber = values.frame === undefined ? 1 : Number(values.frame);
  if (!Number.isInteger(frameNumber) || frameNumber < 1)
    return fail(`--frame must be a whole number from 1 (got "${values.frame}")`, 2);
  let window: WindowRequest;
  try {
    window = parseWindowOption(values.window ?? 'auto');
  } catch (err) {
    return fail(`--${errorMessage(err)}`, 2);
  }

  let rendition: FileRendition;
  try {
    rendition = await renderFile(input, { frame: frameNumber - 1, window });
  } catch (err) {
    return fail(`${input}: ${errorMessage(err)}`);
  }
  try {
    // A radiograph is patient data: only the user can read the file.
    await writePrivateFile(
      values.out,
      encodeGrayPng(rendition.pixels, rendition.info.columns, rendition.info.rows),
    );
  } catch (err) {
    return fail(`cannot write ${values.out}: ${errorMessage(err)}`);
  }
  process.stderr.write(`lightbox render: ${describe(values.out, rendition, frameNumber)}\n`);
  return 0;
}
