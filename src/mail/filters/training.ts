/**
 * When a move is a lesson for the spam filter (issue 10 item 5): one rule for IMAP (MOVE, or COPY
 * then expunge, into or out of \Junk) and ActiveSync (MoveItems into or out of Junk E-mail), so
 * the two protocols agree. Into Junk from anywhere but Trash: spam. Out of Junk into anything but
 * Trash: ham (a false positive the user rescued). Deleting is no lesson either way.
 * The caller answers its client first and calls this without waiting (fire and forget): a filter
 * that is down costs the user nothing.
 */
import type { FolderRole } from '../../model/types.js';
import type { SpamTrainer } from './filter.js';

export type Lesson = 'spam' | 'ham' | null;

export function lessonOfMove(from: FolderRole | null, to: FolderRole | null): Lesson {
  if (from === to) return null;
  if (to === 'junk' && from !== 'trash') return 'spam';
  if (from === 'junk' && to !== 'trash') return 'ham';
  return null;
}

/**
 * Teaches the trainer what the move means, if anything. Resolves to the lesson given (null when
 * none, or when there is no trainer); never rejects: `onError` hears of a refusal or a failure.
 */
export async function trainOnMove(
  trainer: SpamTrainer | null | undefined,
  move: {
    from: FolderRole | null;
    to: FolderRole | null;
    message: Uint8Array;
    user: string;
  },
  onError: (e: Error) => void = () => {},
): Promise<Lesson> {
  const lesson = lessonOfMove(move.from, move.to);
  if (!trainer || !lesson) return null;
  try {
    const learned = lesson === 'spam' ? await trainer.learnSpam(move.message, move.user) : await trainer.learnHam(move.message, move.user);
    if (!learned) {
      onError(new Error(`the spam filter refused to learn ${lesson}`));
      return null;
    }
    return lesson;
  } catch (e) {
    onError(e as Error);
    return null;
  }
}
