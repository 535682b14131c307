/**
 * Just enough PNG (ISO/IEC 15948) to draw the card's small 1-bit images when the holder data differs from the
 * committed fixtures: a 5×7 bitmap font (the digits are those of `packages/sim/fixtures/make-fixtures.sh`, rows 1
 * and 5 doubled to 9 pixels), a renderer, and an encoder with stored (uncompressed) deflate blocks. Browser-safe.
 *
 * @since 0.1.0
 */
import { concat } from "@jpcard/core/Bytes"

/** A 1-bit image; `pixels[y * width + x]` is 1 for ink (black). */
export interface Bitmap {
  readonly width: number
  readonly height: number
  readonly pixels: Uint8Array
}

// 5×7 glyphs. Digits as in make-fixtures.sh; letters and punctuation in the same style.
const GLYPHS: Readonly<Record<string, ReadonlyArray<string>>> = {
  "0": ["01110", "10001", "10011", "10101", "11001", "10001", "01110"],
  "1": ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
  "2": ["01110", "10001", "00001", "00010", "00100", "01000", "11111"],
  "3": ["11111", "00010", "00100", "00010", "00001", "10001", "01110"],
  "4": ["00010", "00110", "01010", "10010", "11111", "00010", "00010"],
  "5": ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
  "6": ["00110", "01000", "10000", "11110", "10001", "10001", "01110"],
  "7": ["11111", "00001", "00010", "00100", "01000", "01000", "01000"],
  "8": ["01110", "10001", "10001", "01110", "10001", "10001", "01110"],
  "9": ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
  A: ["01110", "10001", "10001", "11111", "10001", "10001", "10001"],
  B: ["11110", "10001", "10001", "11110", "10001", "10001", "11110"],
  C: ["01110", "10001", "10000", "10000", "10000", "10001", "01110"],
  D: ["11100", "10010", "10001", "10001", "10001", "10010", "11100"],
  E: ["11111", "10000", "10000", "11110", "10000", "10000", "11111"],
  F: ["11111", "10000", "10000", "11110", "10000", "10000", "10000"],
  G: ["01110", "10001", "10000", "10111", "10001", "10001", "01111"],
  H: ["10001", "10001", "10001", "11111", "10001", "10001", "10001"],
  I: ["01110", "00100", "00100", "00100", "00100", "00100", "01110"],
  J: ["00111", "00010", "00010", "00010", "00010", "10010", "01100"],
  K: ["10001", "10010", "10100", "11000", "10100", "10010", "10001"],
  L: ["10000", "10000", "10000", "10000", "10000", "10000", "11111"],
  M: ["10001", "11011", "10101", "10101", "10001", "10001", "10001"],
  N: ["10001", "10001", "11001", "10101", "10011", "10001", "10001"],
  O: ["01110", "10001", "10001", "10001", "10001", "10001", "01110"],
  P: ["11110", "10001", "10001", "11110", "10000", "10000", "10000"],
  Q: ["01110", "10001", "10001", "10001", "10101", "10010", "01101"],
  R: ["11110", "10001", "10001", "11110", "10100", "10010", "10001"],
  S: ["01111", "10000", "10000", "01110", "00001", "00001", "11110"],
  T: ["11111", "00100", "00100", "00100", "00100", "00100", "00100"],
  U: ["10001", "10001", "10001", "10001", "10001", "10001", "01110"],
  V: ["10001", "10001", "10001", "10001", "10001", "01010", "00100"],
  W: ["10001", "10001", "10001", "10101", "10101", "10101", "01010"],
  X: ["10001", "10001", "01010", "00100", "01010", "10001", "10001"],
  Y: ["10001", "10001", "01010", "00100", "00100", "00100", "00100"],
  Z: ["11111", "00001", "00010", "00100", "01000", "10000", "11111"],
  " ": ["00000", "00000", "00000", "00000", "00000", "00000", "00000"],
  "-": ["00000", "00000", "00000", "11111", "00000", "00000", "00000"],
  ".": ["00000", "00000", "00000", "00000", "00000", "01100", "01100"],
  ",": ["00000", "00000", "00000", "00000", "01100", "00100", "01000"],
  "'": ["00100", "00100", "01000", "00000", "00000", "00000", "00000"],
  "/": ["00001", "00010", "00010", "00100", "01000", "01000", "10000"],
  "(": ["00010", "00100", "01000", "01000", "01000", "00100", "00010"],
  ")": ["01000", "00100", "00010", "00010", "00010", "00100", "01000"]
}

/** Drawn for a character the font does not have (kanji, kana): a hollow box, so the image still has one cell each. */
const MISSING: ReadonlyArray<string> = ["11111", "10001", "10001", "10001", "10001", "10001", "11111"]

/** Full-width forms (U+FF01–U+FF5E) and the ideographic space fold to ASCII; lower case to upper case. */
const fold = (ch: string): string => {
  const code = ch.codePointAt(0)!
  if (code === 0x3000) return " "
  const ascii = code >= 0xff01 && code <= 0xff5e ? String.fromCharCode(code - 0xfee0) : ch
  return ascii.toUpperCase()
}

/**
 * Draws `text` in 6-pixel cells (× `scale`), glyphs 9 pixels high (× `scale`), vertically centred, starting at
 * `left`. The canvas is `minWidth` wide, or wider if the text needs it.
 */
export const render = (
  text: string,
  options: { readonly minWidth: number; readonly height: number; readonly scale?: number; readonly left?: number }
): Bitmap => {
  const scale = options.scale ?? 1
  const left = options.left ?? 0
  const chars = [...text]
  const width = Math.max(options.minWidth, left * 2 + chars.length * 6 * scale)
  const height = options.height
  const pixels = new Uint8Array(width * height)
  const top = Math.floor((height - 9 * scale) / 2)
  chars.forEach((ch, i) => {
    const g = GLYPHS[fold(ch)] ?? MISSING
    const tall = [g[0]!, g[1]!, g[1]!, g[2]!, g[3]!, g[4]!, g[5]!, g[5]!, g[6]!]
    tall.forEach((row, y) => {
      for (let x = 0; x < 5; x++) {
        if (row[x] !== "1") continue
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const px = left + (i * 6 + x) * scale + dx
            const py = top + y * scale + dy
            if (px < width && py >= 0 && py < height) pixels[py * width + px] = 1
          }
        }
      }
    })
  })
  return { width, height, pixels }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

const crc32 = (bytes: Uint8Array): number => {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

const adler32 = (bytes: Uint8Array): number => {
  let a = 1
  let b = 0
  for (const x of bytes) {
    a = (a + x) % 65521
    b = (b + a) % 65521
  }
  return ((b << 16) | a) >>> 0
}

const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)

const chunk = (type: string, data: Uint8Array): Uint8Array => {
  const typeBytes = new TextEncoder().encode(type)
  return concat(u32(data.length), typeBytes, data, u32(crc32(concat(typeBytes, data))))
}

/** zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 §3.2.4). */
const zlibStored = (data: Uint8Array): Uint8Array => {
  const parts: Array<Uint8Array> = [Uint8Array.of(0x78, 0x01)]
  let offset = 0
  do {
    const length = Math.min(0xffff, data.length - offset)
    const final = offset + length >= data.length ? 1 : 0
    parts.push(Uint8Array.of(final, length & 0xff, length >> 8, ~length & 0xff, (~length >> 8) & 0xff))
    parts.push(data.subarray(offset, offset + length))
    offset += length
  } while (offset < data.length)
  parts.push(u32(adler32(data)))
  return concat(...parts)
}

/** A 1-bit greyscale PNG (sample 0 = black, 1 = white), no interlace, filter type 0 on every row. */
export const encodePng = (bitmap: Bitmap): Uint8Array => {
  const { width, height, pixels } = bitmap
  const stride = Math.ceil(width / 8)
  const raw = new Uint8Array(height * (stride + 1))
  for (let y = 0; y < height; y++) {
    const row = y * (stride + 1)
    raw[row] = 0
    for (let x = 0; x < width; x++) {
      if (pixels[y * width + x] === 0) raw[row + 1 + (x >> 3)]! |= 0x80 >> (x & 7)
    }
    // Padding bits of the last byte stay 0; they are ignored by decoders.
  }
  const ihdr = concat(u32(width), u32(height), Uint8Array.of(1, 0, 0, 0, 0))
  return concat(
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlibStored(raw)),
    chunk("IEND", new Uint8Array(0))
  )
}
