// The last lines an inference process wrote, kept to explain its crash (a V8 "heap out of memory", an
// onnxruntime abort) without flooding the parent's own output.
const LIMIT = 4096;

export type OutputTail = { read(): string };

export function tailOf(...streams: (NodeJS.ReadableStream | null | undefined)[]): OutputTail {
  let tail = '';
  for (const stream of streams) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string | Buffer) => {
      tail = (tail + String(chunk)).slice(-LIMIT);
    });
  }
  return { read: () => tail };
}
