import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type SerializedError, toSerializedError } from '../../lib/sora/errors';

export type ActionState<T> =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'done'; value: T }
  | { kind: 'failed'; error: SerializedError };

/**
 * One button's request and its outcome. A second click while busy is ignored (no double submit), and an
 * answer arriving after the component is gone is dropped.
 */
export function useAction<A extends unknown[], T>(run: (...args: A) => Promise<T>) {
  const [state, setState] = useState<ActionState<T>>({ kind: 'idle' });
  const busy = useRef(false);
  const alive = useRef(true);
  const runRef = useRef(run);
  runRef.current = run;
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );
  const start = useCallback(async (...args: A): Promise<T | undefined> => {
    if (busy.current) return undefined;
    busy.current = true;
    setState({ kind: 'busy' });
    try {
      const value = await runRef.current(...args);
      if (alive.current) setState({ kind: 'done', value });
      return value;
    } catch (e) {
      if (alive.current) setState({ kind: 'failed', error: toSerializedError(e) });
      return undefined;
    } finally {
      busy.current = false;
    }
  }, []);
  const reset = useCallback(() => setState({ kind: 'idle' }), []);
  return { state, start, reset };
}
