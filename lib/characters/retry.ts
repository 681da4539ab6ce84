/** "Try again" on a failed record: back to the failed step, or a fresh upload (model.toRetry decides). */
import type { OperationContext } from './context';
import { type CharacterRecord, isAuto, toRetry } from './model';
import { bad, save } from './outcome';
import { requireCharacter } from './repo';

export async function retryCharacter(ctx: OperationContext, id: string): Promise<CharacterRecord> {
  const saved = await save(ctx, id, (current) => toRetry(current, ctx.now()));
  if (!saved) {
    const current = await requireCharacter(ctx.db, id);
    // Already on its way again (a repeated message): harmless.
    if (isAuto(current.state)) return current;
    bad('This character cannot be tried again.');
  }
  ctx.kick();
  return saved as CharacterRecord;
}
