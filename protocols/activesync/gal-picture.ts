/**
 * Pictures of GAL entries ([MS-ASCMD] 2.2.3.135: Search and ResolveRecipients 14.1+, Find 16.1):
 * the request's Picture option (MaxSize in bytes, MaxPictures per answer) asks for each entry's
 * photo (src/admin/account-photo.ts, set by an administrator). An entry answers Status 1 with
 * the image as base64 Data, 173 when it has no photo, 174 when the photo is larger than MaxSize,
 * 175 once MaxPictures photos were given in this answer (2.2.3.177.12 / .13 statuses).
 */
import type { Account } from '../../src/model/types.js';
import { readAccountPhoto } from '../../src/admin/account-photo.js';
import type { CommandContext } from './commands/types.js';
import { child, childText, el, type WbxmlElement } from './wbxml/types.js';

export const PictureStatus = { Success: 1, NoPicture: 173, TooLarge: 174, TooMany: 175 } as const;

export interface PictureAnswer { status: number; data?: string }

/** Hands out pictures for one answer, within the request's MaxSize and MaxPictures. */
export class PictureBudget {
  private given = 0;
  constructor(private readonly maxSize: number | undefined, private readonly maxPictures: number | undefined) {}

  async of(ctx: CommandContext, account: Account): Promise<PictureAnswer> {
    const photo = await readAccountPhoto(ctx.store, account);
    if (!photo) return { status: PictureStatus.NoPicture };
    if (this.maxSize !== undefined && photo.bytes.length > this.maxSize) return { status: PictureStatus.TooLarge };
    if (this.maxPictures !== undefined && this.given >= this.maxPictures) return { status: PictureStatus.TooMany };
    this.given++;
    return { status: PictureStatus.Success, data: photo.bytes.toString('base64') };
  }
}

/** The Picture option of `options` in namespace `ns` (its MaxSize and MaxPictures), or null when not asked. */
export function pictureOption(options: WbxmlElement | undefined, ns: string): PictureBudget | null {
  const p = options ? child(options, 'Picture', ns) : undefined;
  if (!p) return null;
  const num = (tag: string) => {
    const v = childText(p, tag, ns);
    const n = v === undefined ? NaN : Number(v.trim());
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  };
  return new PictureBudget(num('MaxSize'), num('MaxPictures'));
}

/** The gal:Picture element of a GAL result's Properties (Search, Find). */
export const galPicture = (pic: PictureAnswer): WbxmlElement =>
  el('GAL', 'Picture', [el('GAL', 'Status', String(pic.status)), ...(pic.data ? [el('GAL', 'Data', pic.data)] : [])]);
