/**
 * A real PNG for a domain's logo in the browser tests and screenshots (PNG spec: signature,
 * IHDR, one zlib IDAT of filter-0 scanlines, IEND; 8-bit RGB): a rounded "flame" badge.
 */
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

export function logoPng(size = 64, rgb: [number, number, number] = [0xb3, 0x3b, 0x16]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const rows: Buffer[] = [];
  const c = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3, 0xff); // filter byte 0 then white pixels
    row[0] = 0;
    for (let x = 0; x < size; x++) {
      const dx = (x - c) / c;
      const dy = (y - c) / c;
      const inDisc = dx * dx + dy * dy <= 0.92;
      // A flame: a teardrop inside the disc, drawn in white.
      const fy = (y / size) * 1.0;
      const flame = Math.abs(dx) < 0.45 * Math.sin(Math.PI * Math.min(1, Math.max(0, (fy - 0.15) / 0.7))) * (0.4 + fy);
      if (inDisc && !flame) rgb.forEach((v, i) => (row[1 + x * 3 + i] = v));
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
