// Draws deadair's icons as PNGs with no dependency (zlib + CRC by hand): a ring in the state's
// colour around a flat line — dead air. Tray states: idle, warning, failed, offline; macOS
// *Template.png variants are black on transparent. Usage: node scripts/make-icons.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(buf) {
  let c = -1;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 4 + 1) + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
/** Anti-aliased coverage of the ring and the flat line, 4×4 supersampled. */
function coverage(size, x, y) {
  let ring = 0;
  let line = 0;
  for (let sy = 0; sy < 4; sy++)
    for (let sx = 0; sx < 4; sx++) {
      const u = (x + (sx + 0.5) / 4) / size - 0.5;
      const v = (y + (sy + 0.5) / 4) / size - 0.5;
      const r = Math.hypot(u, v);
      if (r <= 0.47 && r >= 0.35) ring++;
      if (Math.abs(v) <= 0.055 && Math.abs(u) <= 0.25) line++;
    }
  return { ring: ring / 16, line: line / 16 };
}
const STATES = {
  idle: [120, 130, 140],
  warning: [240, 170, 20],
  failed: [220, 40, 40],
  offline: [70, 70, 80],
};
mkdirSync('resources/icons', { recursive: true });
for (const [state, [r, g, b]] of Object.entries(STATES)) {
  for (const [size, suffix] of [
    [16, ''],
    [32, '@2x'],
  ]) {
    writeFileSync(
      `resources/icons/tray-${state}${suffix}.png`,
      png(size, (x, y) => {
        const c = coverage(size, x, y);
        return [r, g, b, Math.round(255 * Math.max(c.ring, c.line))];
      }),
    );
    writeFileSync(
      `resources/icons/tray-${state}Template${suffix}.png`,
      png(size, (x, y) => {
        const c = coverage(size, x, y);
        return [0, 0, 0, Math.round(255 * Math.max(c.ring, c.line))];
      }),
    );
  }
}
writeFileSync(
  'resources/icons/deadair.png',
  png(256, (x, y) => {
    const c = coverage(256, x, y);
    const [r, g, b] = STATES.failed;
    if (c.line > 0) return [30, 30, 36, Math.round(255 * c.line)];
    return [r, g, b, Math.round(255 * c.ring)];
  }),
);
console.log('icons written to resources/icons/');
