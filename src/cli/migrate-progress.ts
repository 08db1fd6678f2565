/**
 * Progress of `hearth migrate imap` on stderr: a bar redrawn in place on a terminal, plain lines
 * (each folder, every 10 %) otherwise, so logs of a batch run stay readable.
 */
import type { MigrationProgress } from '../mail/migrate/imap-migration.js';

export interface ProgressOutput {
  err(text: string): void;
  tty: boolean;
}

const mb = (n: number) => `${(n / 1_048_576).toFixed(1)} MB`;

export function progressReporter(out: ProgressOutput, label: string): { update(p: MigrationProgress): void; done(): void } {
  let lastDraw = 0;
  let lastFolder = '';
  let lastTenth = -1;
  let drawn = false;
  return {
    update(p) {
      const ratio = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : p.total > 0 ? p.done / p.total : 1;
      const pct = Math.min(100, Math.floor(ratio * 100));
      if (out.tty) {
        const now = Date.now();
        if (now - lastDraw < 100 && p.done < p.total) return;
        lastDraw = now;
        const width = 24;
        const fill = Math.round((pct / 100) * width);
        out.err(
          `\r\x1b[K${label} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${pct}%  ${p.done}/${p.total} messages  ${mb(p.bytesDone)}/${mb(p.bytesTotal)}  ${p.folder}`,
        );
        drawn = true;
        return;
      }
      if (p.folder && p.folder !== lastFolder) {
        lastFolder = p.folder;
        out.err(`${label}: folder ${p.folder}\n`);
      }
      const tenth = Math.floor(pct / 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        out.err(`${label}: ${pct}% (${p.done}/${p.total} messages, ${mb(p.bytesDone)} of ${mb(p.bytesTotal)})\n`);
      }
    },
    done() {
      if (drawn) out.err('\n');
    },
  };
}
