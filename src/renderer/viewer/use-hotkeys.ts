import { useEffect, useRef } from 'react';
import { commandForKey, type ViewerCommand } from './hotkeys';

export const isEditable = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/** A part of the page with keys of its own (the findings list: r rejects there, arrows select). */
const ownsKeys = (target: EventTarget | null): boolean =>
  target instanceof Element && target.closest('[data-own-hotkeys]') !== null;

/** Viewer hotkeys on the window, except while the user types in a field or a part has its own keys. */
export function useHotkeys(onCommand: (command: ViewerCommand) => void): void {
  const handler = useRef(onCommand);
  useEffect(() => {
    handler.current = onCommand;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (isEditable(event.target) || ownsKeys(event.target)) return;
      const command = commandForKey(event);
      if (!command) return;
      event.preventDefault();
      handler.current(command);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
