import { readFirstPaint } from './firstRead';

/**
 * The storage read a page's first render waits for (language, cached account), started when this module is
 * evaluated. The popup's and side panel's main.tsx import it first: imports are evaluated in order before main's
 * own code, so the read travels while the rest of the page's code is evaluated instead of after it.
 */
export const firstRead = readFirstPaint();
