/** QR codes for phones, rendered server-side as inline SVG by the `qrcode` package (ISO/IEC 18004). */
import QRCode from 'qrcode';
import { escapeHtml } from './html.js';

/** An accessible inline SVG that encodes `text` (the label names what it opens). */
export async function qrSvg(text: string, label: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return svg.replace('<svg ', `<svg class="qr" role="img" aria-label="${escapeHtml(label)}" `);
}
