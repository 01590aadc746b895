// Draws deadair's icons as PNGs with no dependency (zlib + CRC by hand): a ring in the state's
// colour around a flat line — dead air. Tray states: idle, warning, failed, paused, offline; macOS
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
/**
 * Each state's shape, so that states differ by form and not only by colour (macOS template images
 * are black and white): a ring around a flat line — dead air — for idle; with a triangle badge for
 * warning, a filled dot badge for failed; two bars instead of the line for paused; a slash across
 * for offline. (u, v) are from -0.5 to 0.5 across the icon.
 */
function inside(state, u, v) {
  const r = Math.hypot(u, v);
  const ring = r <= 0.47 && r >= 0.35;
  const line = Math.abs(v) <= 0.055 && Math.abs(u) <= 0.25;
  const bars = Math.abs(v) <= 0.17 && Math.abs(Math.abs(u) - 0.09) <= 0.045;
  // Badges sit at the top right, over the ring.
  const bu = u - 0.3;
  const bv = v + 0.3;
  const dot = Math.hypot(bu, bv) <= 0.19;
  const tri = bv <= 0.15 && bv >= -0.21 && Math.abs(bu) <= ((bv + 0.21) / 0.36) * 0.21;
  const slash = Math.abs(u + v) <= 0.07 && r <= 0.5;
  // A badge is cut out of the ring with a margin, so that it reads as a badge and not a bump.
  const clear = Math.hypot(bu, bv) > 0.27;
  switch (state) {
    case 'warning':
      return (ring && clear) || line || tri;
    case 'failed':
      return (ring && clear) || line || dot;
    case 'paused':
      return ring || bars;
    case 'offline':
      return ring || line || slash;
    default:
      return ring || line;
  }
}
/** Anti-aliased coverage of a state's shape at a pixel, 4×4 supersampled. */
function coverage(size, x, y, state = 'idle') {
  let n = 0;
  for (let sy = 0; sy < 4; sy++)
    for (let sx = 0; sx < 4; sx++)
      if (inside(state, (x + (sx + 0.5) / 4) / size - 0.5, (y + (sy + 0.5) / 4) / size - 0.5)) n++;
  return n / 16;
}
const STATES = {
  idle: [120, 130, 140],
  warning: [240, 170, 20],
  failed: [220, 40, 40],
  paused: [110, 120, 200],
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
        return [r, g, b, Math.round(255 * coverage(size, x, y, state))];
      }),
    );
    writeFileSync(
      `resources/icons/tray-${state}Template${suffix}.png`,
      png(size, (x, y) => {
        return [0, 0, 0, Math.round(255 * coverage(size, x, y, state))];
      }),
    );
  }
}
writeFileSync(
  'resources/icons/deadair.png',
  png(256, (x, y) => {
    // The app icon: the red ring, the line in near-black.
    const u = (x + 0.5) / 256 - 0.5;
    const v = (y + 0.5) / 256 - 0.5;
    const a = Math.round(255 * coverage(256, x, y));
    const [r, g, b] = Math.hypot(u, v) >= 0.3 ? STATES.failed : [30, 30, 36];
    return [r, g, b, a];
  }),
);
console.log('icons written to resources/icons/');
