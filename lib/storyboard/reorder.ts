/** Drag-and-drop arithmetic for the shot list, kept pure so it is tested without a DOM. */

export type DropSide = 'before' | 'after';

/**
 * The index a shot dragged from `from` ends up at when dropped on `side` of the shot at `target` (indexes
 * of the list before the move, as the user sees it while dragging). Equal to `from` when nothing moves.
 */
export function dropIndex(from: number, target: number, side: DropSide): number {
  if (side === 'before') return target > from ? target - 1 : target;
  return target >= from ? target : target + 1;
}
