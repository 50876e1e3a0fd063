// Browser stand-in for Node's `events`. vtk.js (under Cornerstone) imports xmlbuilder2, whose
// callback builder extends EventEmitter at load time; with Vite's empty stub for `events` the
// whole bundle fails to start. The app never builds XML, so a minimal emitter is enough.
type Listener = (...args: unknown[]) => void;

export class EventEmitter {
  private readonly listeners = new Map<string | symbol, Listener[]>();

  on(event: string | symbol, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  emit(event: string | symbol, ...args: unknown[]): boolean {
    const current = this.listeners.get(event) ?? [];
    for (const listener of current) listener(...args);
    return current.length > 0;
  }
}
