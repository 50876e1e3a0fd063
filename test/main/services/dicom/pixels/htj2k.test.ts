// HTJ2K decodes back to the source values, in both the lossless and the general transfer syntax.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parseDicom } from '../../../../../src/main/services/dicom/parse-dataset';
import { decodeFrame, renderDicom } from '../../../../../src/main/services/dicom/pixels';
import { BARRE, barreAsHtj2k } from '../../../../helpers/htj2k';

it('decodes HTJ2K (lossless) to the source values', async () => {
  const source = await decodeFrame(parseDicom(readFileSync(BARRE)));
  for (const uid of ['1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.203']) {
    const bytes = await barreAsHtj2k(uid);
    const decoded = await decodeFrame(parseDicom(bytes));
    expect(decoded.values).toEqual(source.values);
    const { info } = await renderDicom(bytes);
    expect(info).toMatchObject({ transferSyntaxUid: uid, inverted: true, voi: { center: 550, width: 1024 } });
  }
});
