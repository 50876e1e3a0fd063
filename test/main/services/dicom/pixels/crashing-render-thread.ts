// The render thread, except that an empty file makes it exit (a stand-in for a decoder that takes the
// thread down), so that the client's handling of a lost thread can be tested.
import { parentPort } from 'node:worker_threads';
import '../../../../../src/main/services/dicom/pixels/render-thread';

parentPort!.on('message', (request: { bytes: Uint8Array }) => {
  if (request.bytes.length === 0) process.exit(3);
});
