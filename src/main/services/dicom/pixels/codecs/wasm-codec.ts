// Runs one of Cornerstone's emscripten codecs (the builds dicom-image-loader uses) in Node. The
// glue finds its .wasm next to itself, so these packages must stay outside any bundle.
import { describeThrown, PixelDataError } from '../errors';

export type WasmFrameInfo = {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
};

export type WasmDecoder = {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): WasmFrameInfo;
  decode(): void;
  getInterleaveMode?(): number;
  delete(): void;
};

type WasmModule = Record<string, unknown> & { getExceptionMessage?: (pointer: number) => string };
type DecoderClass = new () => WasmDecoder;

export type WasmCodec = {
  /** Decodes one compressed frame and hands the decoder to `read` before it is freed. */
  decode<T>(encoded: Uint8Array, read: (decoder: WasmDecoder) => T): Promise<T>;
};

export function wasmCodec(
  name: string,
  decoderClass: string,
  load: () => Promise<{ default: unknown }>,
): WasmCodec {
  let module: Promise<WasmModule> | undefined;
  // OpenJPEG logs progress on stdout, which would corrupt `--json` output; keep the last error line
  // for the message instead.
  let lastError = '';

  const instantiate = async (): Promise<WasmModule> => {
    const factory = (await load()).default as (arg?: object) => Promise<WasmModule>;
    return factory({ print: () => {}, printErr: (line: string) => (lastError = line) });
  };

  return {
    async decode(encoded, read) {
      module ??= instantiate();
      let instance: WasmModule;
      try {
        instance = await module;
      } catch (err) {
        module = undefined;
        throw new PixelDataError('codec-unavailable', `${name} codec failed to load: ${describeThrown(err)}`);
      }
      const Decoder = instance[decoderClass] as DecoderClass;
      let decoder: WasmDecoder | undefined;
      lastError = '';
      try {
        decoder = new Decoder();
        decoder.getEncodedBuffer(encoded.length).set(encoded);
        decoder.decode();
        return read(decoder);
      } catch (err) {
        if (err instanceof PixelDataError) throw err;
        // A trap can leave the wasm heap inconsistent: start a fresh instance next time.
        module = undefined;
        decoder = undefined;
        const reason =
          typeof err === 'number' && instance.getExceptionMessage
            ? instance.getExceptionMessage(err)
            : describeThrown(err);
        throw new PixelDataError(
          'corrupt',
          `${name} decoding failed: ${reason}${lastError ? ` (${lastError.trim()})` : ''}`,
        );
      } finally {
        decoder?.delete();
      }
    },
  };
}
