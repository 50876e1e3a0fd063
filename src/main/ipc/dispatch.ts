// The one entry for untrusted calls: unknown channels and malformed arguments are refused
// before any service runs, and only user-facing messages cross back.
import type { Envelope } from '../../shared/ipc-contract';
import { invokeChannels, isInvokeChannel } from '../../shared/ipc-contract';
import { STORAGE_REFUSALS } from '../../shared/storage-refusals';
import { UserError } from '../services/library';
import { storageRefusal } from '../services/store/storage-errors';
import { argsOutOfBounds } from './args-bounds';
import type { Handlers } from './handlers';
import { log } from '../log';

export async function dispatch(
  handlers: Handlers,
  channel: string,
  rawArgs: unknown,
): Promise<Envelope<unknown>> {
  if (!isInvokeChannel(channel)) return { ok: false, error: 'Unknown request.' };
  // Bounds what a compromised renderer can make main parse, before anything walks the whole value.
  const outOfBounds = argsOutOfBounds(rawArgs);
  if (outOfBounds) return { ok: false, error: outOfBounds };
  const parsed = invokeChannels[channel].args.safeParse(rawArgs);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: `Invalid request arguments: ${issue?.path.join('.') || 'value'} ${issue?.message ?? ''}`.trim(),
    };
  }
  try {
    const handler = handlers[channel] as (args: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    if (err instanceof UserError) return { ok: false, error: err.message };
    // The disk is full, the library busy ...: nothing was stored, and the reader is told which.
    const refusal = storageRefusal(err);
    if (refusal) {
      log.warn(`${channel} not stored`, refusal);
      return { ok: false, error: STORAGE_REFUSALS[refusal] };
    }
    // Messages of unexpected errors may carry paths or header values: log the kind only.
    log.error(`${channel} failed`, err instanceof Error ? err.name : typeof err);
    return { ok: false, error: 'Something went wrong; the details are in the log.' };
  }
}
