/**
 * Spam training for moves of stored messages (issue 10 item 5, issue 12 item 7), shared by IMAP
 * MOVE and ActiveSync MoveItems: when the move is a lesson (./training.ts lessonOfMove), each
 * moved message's bytes go to the trainer. Started and not awaited by the protocol handlers, so a
 * client's answer never waits for the filter; failures go to `onError`.
 */
import type { Folder } from '../../model/types.js';
import type { Store } from '../../store/store.js';
import type { SpamTrainer } from './filter.js';
import { lessonOfMove, trainOnMove, type Lesson } from './training.js';

export function trainMovedMessages(
  store: Store, trainer: SpamTrainer | null | undefined,
  move: { from: Pick<Folder, 'role'>; to: Pick<Folder, 'id' | 'role'>; targetUids: number[]; user: string },
  onError: (e: Error) => void, onLearned: (lesson: Lesson) => void = () => {},
): void {
  if (!trainer || !lessonOfMove(move.from.role, move.to.role)) return;
  void (async () => {
    for (const uid of move.targetUids) {
      const msg = await store.getMessageByUid(move.to.id, uid);
      const bytes = msg ? await store.readMessageBytes(msg.itemId) : null;
      if (!bytes) continue;
      const lesson = await trainOnMove(trainer, { from: move.from.role, to: move.to.role, message: bytes, user: move.user }, onError);
      if (lesson) onLearned(lesson);
    }
  })().catch(onError);
}
