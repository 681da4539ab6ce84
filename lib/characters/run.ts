/**
 * One pass of the flow: for every record whose turn it is, the step its state names (model.ts draws the
 * states), each result saved before the next step; then the time of the next due record, for the one timer.
 */
import { poll, prepare } from './cameo';
import type { FlowContext } from './context';
import { finalize } from './finish';
import { type CharacterRecord, isAuto } from './model';
import { removeOnSora } from './remove';
import { listOpenCharacters } from './repo';
import { upload } from './upload';
import { publish } from './visibility';

/** The step of the record's state. Resolves to the record as saved, or null when it stopped or is gone. */
export function runStep(ctx: FlowContext, r: CharacterRecord): Promise<CharacterRecord | null> {
  switch (r.state) {
    case 'uploading':
      return upload(ctx, r);
    case 'processing':
      return poll(ctx, r);
    case 'preparing':
      return prepare(ctx, r);
    case 'finalizing':
      return finalize(ctx, r);
    case 'publishing':
      return publish(ctx, r);
    case 'deleting':
      return removeOnSora(ctx, r);
    default:
      return Promise.resolve(null);
  }
}

/**
 * Runs the due records' steps (up to `stepsPerRun` each, while each stays due). `inflight` holds the ids
 * whose steps run in this worker life, so a pass never starts a record twice. Resolves to when the next
 * open record is due, or null when none is open.
 */
export async function runPass(ctx: FlowContext, inflight: Set<string>): Promise<number | null> {
  const t = ctx.now();
  const due = (await listOpenCharacters(ctx.db)).filter((r) => r.nextAttemptAt <= t && !inflight.has(r.id));
  await Promise.all(due.map((r) => advance(ctx, r, inflight)));
  const open = await listOpenCharacters(ctx.db);
  return open.length === 0 ? null : Math.min(...open.map((r) => r.nextAttemptAt));
}

async function advance(ctx: FlowContext, record: CharacterRecord, inflight: Set<string>): Promise<void> {
  inflight.add(record.id);
  try {
    let r: CharacterRecord | null = record;
    for (
      let i = 0;
      i < ctx.options.stepsPerRun && r && isAuto(r.state) && r.nextAttemptAt <= ctx.now();
      i++
    ) {
      r = await runStep(ctx, r);
    }
  } finally {
    inflight.delete(record.id);
  }
}
