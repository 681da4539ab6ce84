/**
 * Picking one file by drag-and-drop or by a button: shared by Create's start image and the new-character
 * video. Any file is taken in and judged by the form's own checks, so a wrong file gets its reason instead
 * of being silently ignored.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';

/** The "a file is over me" state and the drag handlers for the element that takes a dropped file. */
export function useFileDrop(onFile: (file: File) => void) {
  const [over, setOver] = useState(false);
  const handlers = {
    onDragOver(e: JSX.TargetedDragEvent<HTMLElement>) {
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      setOver(true);
    },
    onDragLeave() {
      setOver(false);
    },
    onDrop(e: JSX.TargetedDragEvent<HTMLElement>) {
      e.preventDefault();
      setOver(false);
      const dropped = e.dataTransfer?.files?.[0];
      if (dropped) onFile(dropped);
    },
  };
  return { over, handlers };
}

interface ChooserProps {
  id: string;
  /** Class of the (visually hidden) input. */
  inputClass: string;
  accept: string;
  label: string;
  aria?: { 'aria-describedby'?: string; 'aria-invalid'?: true };
  onFile(file: File): void;
}

/** A file input hidden behind a button-styled label; picking the same file twice still reports it. */
export function FileChooser({ id, inputClass, accept, label, aria, onFile }: ChooserProps) {
  return (
    <>
      <input
        id={id}
        class={`${inputClass} visually-hidden`}
        type="file"
        accept={accept}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) onFile(file);
        }}
        {...aria}
      />
      <label for={id} class="btn">
        {label}
      </label>
    </>
  );
}
