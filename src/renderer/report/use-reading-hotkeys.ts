import { useEffect, useRef } from 'react';
import { isEditable } from '../viewer/use-hotkeys';
import { readingCommandForKey, type ReadingCommand } from './reading-hotkeys';

/**
 * The reading's window-wide keys, except while the reader types (a text field keeps its own undo) or
 * a dialog is open. Escape keeps its default action: it also closes dialogs and menus.
 */
export function useReadingHotkeys(onCommand: (command: ReadingCommand) => void): void {
  const handler = useRef(onCommand);
  useEffect(() => {
    handler.current = onCommand;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (isEditable(event.target) || document.querySelector('dialog[open]')) return;
      const command = readingCommandForKey(event);
      if (!command) return;
      if (command.kind !== 'deselect') event.preventDefault();
      handler.current(command);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
