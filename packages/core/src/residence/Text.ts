/**
 * Text fields of the residence card. Spec Ver 1.5 says UTF-8 without BOM (在留カード等仕様書 §3.3.4, p. 10); readers
 * of older cards report Shift_JIS (shared/reference/residence-card.md §16.2), so UTF-8 is tried strictly first and
 * Shift_JIS second, and the result says which was used. Values are zero-padded to their fixed length.
 *
 * @since 0.1.0
 */
import { Result } from "effect"

export interface CardText {
  readonly text: string
  readonly encoding: "utf-8" | "shift_jis"
}

/** Strips trailing `00` padding. */
export const stripNulPadding = (bytes: Uint8Array): Uint8Array => {
  let end = bytes.length
  while (end > 0 && bytes[end - 1] === 0x00) end--
  return bytes.subarray(0, end)
}

const decoders = [
  ["utf-8", new TextDecoder("utf-8", { fatal: true, ignoreBOM: false })],
  ["shift_jis", new TextDecoder("shift_jis", { fatal: true })]
] as const

/** Decodes a padded text value; `undefined` if it is neither valid UTF-8 nor valid Shift_JIS or holds a NUL inside. */
export const decodeText = (bytes: Uint8Array): Result.Result<CardText, "NotText"> => {
  const content = stripNulPadding(bytes)
  if (content.includes(0x00)) return Result.fail("NotText")
  for (const [encoding, decoder] of decoders) {
    try {
      return Result.succeed({ text: decoder.decode(content), encoding })
    } catch {
      // Not this encoding: try the next one.
    }
  }
  return Result.fail("NotText")
}

/**
 * Printable ASCII of fixed-format fields (dates, codes). Character by character: spreading the bytes into
 * `String.fromCharCode` throws a RangeError from about 100 000 bytes, a length a card's free MF/EF02 may claim.
 */
export const decodeAscii = (bytes: Uint8Array): string | undefined => {
  let text = ""
  for (const b of bytes) {
    if (b < 0x20 || b > 0x7e) return undefined
    text += String.fromCharCode(b)
  }
  return text
}
