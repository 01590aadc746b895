// What a file's first bytes say it is: a plain log (UTF-8), UTF-16 text (by its byte-order mark, or
// by the NULs every other byte that ASCII in UTF-16 has), gzip (what logrotate leaves), or another
// compression deadair does not read, or a file that is plainly no log (an executable, an image, a
// database) — never an all-clear from reading any of those as text.

export type Encoding = 'utf8' | 'utf16le' | 'utf16be' | 'gzip';

export type Sniffed = { encoding: Encoding; bom: number } | { refuse: string };

/** Decide from a file's first bytes (up to 512 are enough). */
export function sniff(head: Uint8Array): Sniffed {
  const b = (i: number) => head[i] ?? -1;
  if (b(0) === 0x1f && b(1) === 0x8b) return { encoding: 'gzip', bom: 0 };
  if (b(0) === 0xff && b(1) === 0xfe) return { encoding: 'utf16le', bom: 2 };
  if (b(0) === 0xfe && b(1) === 0xff) return { encoding: 'utf16be', bom: 2 };
  if (b(0) === 0xef && b(1) === 0xbb && b(2) === 0xbf) return { encoding: 'utf8', bom: 3 };
  const magic: [number[], string][] = [
    [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz-compressed (xz -dc FILE | deadair analyze -)'],
    [[0x42, 0x5a, 0x68], 'bzip2-compressed (bzip2 -dc FILE | deadair analyze -)'],
    [[0x28, 0xb5, 0x2f, 0xfd], 'zstd-compressed (zstd -dc FILE | deadair analyze -)'],
    [[0x50, 0x4b, 0x03, 0x04], 'a zip archive (unzip it first)'],
    // Files that are plainly not logs, named rather than read as hundreds of raw lines.
    [[0x7f, 0x45, 0x4c, 0x46], 'an executable (ELF), not a log'],
    [[0xcf, 0xfa, 0xed, 0xfe], 'an executable (Mach-O), not a log'],
    [[0xce, 0xfa, 0xed, 0xfe], 'an executable (Mach-O), not a log'],
    [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG image, not a log'],
    [[0xff, 0xd8, 0xff], 'a JPEG image, not a log'],
    [[0x25, 0x50, 0x44, 0x46, 0x2d], 'a PDF document, not a log'],
    [[...Buffer.from('SQLite format 3\0')], 'an SQLite database, not a log'],
  ];
  for (const [m, what] of magic) if (m.every((x, i) => b(i) === x)) return { refuse: what };
  // UTF-16 without a mark: text whose every other byte is NUL.
  const n = Math.min(head.length, 512) & ~1;
  if (n >= 16) {
    let even = 0;
    let odd = 0;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) even++;
      if (head[i + 1] === 0) odd++;
    }
    const half = n / 2;
    if (odd > half * 0.8 && even < half * 0.05) return { encoding: 'utf16le', bom: 0 };
    if (even > half * 0.8 && odd < half * 0.05) return { encoding: 'utf16be', bom: 0 };
  }
  return { encoding: 'utf8', bom: 0 };
}

/** Turns UTF-16 bytes, in chunks that may split a character, into UTF-8 bytes. */
export class Utf16ToUtf8 {
  private readonly decoder: TextDecoder;
  private odd: number | undefined;
  constructor(private readonly be: boolean) {
    this.decoder = new TextDecoder('utf-16le');
  }
  push(chunk: Uint8Array, end = false): Buffer {
    let bytes = chunk;
    if (this.be) {
      // Swap to little endian, carrying an odd byte to the next chunk.
      const all = this.odd === undefined ? chunk : Buffer.concat([Buffer.of(this.odd), chunk]);
      const even = all.length & ~1;
      this.odd = even < all.length ? all[even] : undefined;
      const swapped = Buffer.alloc(even);
      for (let i = 0; i < even; i += 2) {
        swapped[i] = all[i + 1] as number;
        swapped[i + 1] = all[i] as number;
      }
      bytes = swapped;
    }
    return Buffer.from(this.decoder.decode(bytes, { stream: !end }), 'utf8');
  }
}
