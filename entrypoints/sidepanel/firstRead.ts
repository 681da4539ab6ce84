import { readFirstPaint } from '../../components/settings/firstRead';

/**
 * The storage read the panel's first render waits for (language, cached account), started when this
 * module is evaluated. main.tsx imports it first: imports are evaluated in order before main's own code,
 * so the read travels while the rest of the panel's code is evaluated instead of after it.
 */
export const firstRead = readFirstPaint();
