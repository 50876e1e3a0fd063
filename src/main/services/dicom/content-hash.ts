// The content hash that pins an indexed file: the sha256 of its bytes, taken at intake and checked by
// everything that hands the file's pixels on (export, drafts, the viewer, a clean confirmation). WebCrypto
// hashes on libuv's thread pool, so a large file does not hold up the main process's event loop.
import { webcrypto } from 'node:crypto';

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}
