/**
 * Card-side parsing of a command APDU (ISO/IEC 7816-3 §12.1, cases 1 to 4, short and extended). This is the
 * simulator's own parser; it shares no code with the reader's APDU builder in `@jpcard/core`, so a length-encoding
 * bug cannot hide by being on both sides.
 *
 * Rules:
 * - Short Lc is one byte `01`–`FF`; extended Lc is `00 XX XX` with `XX XX` ≠ `0000`.
 * - Short Le `00` means Ne = 256; extended Le `00 00` (after an extended Lc) or `00 00 00` (alone) means Ne = 65536.
 * - A command shorter than its Lc claims is `67 00`.
 * - Command data longer than Lc (bytes after the Lc data that are not exactly one Le field: 1 byte after a short Lc,
 *   2 bytes after an extended Lc) matches none of the four cases of ISO/IEC 7816-3 §12.1, so by default it is
 *   `67 00`, wrong length, like a command shorter than its Lc (ISO/IEC 7816-4 `67 00` "wrong length"; 在留カード等
 *   仕様書 Ver 1.5 §4.1.8 表4-5, p. 20: 「Lc 及び Le フィールドが間違っている」「APDU の長さが間違っている」;
 *   `shared/reference/residence-card.md` §11.1 and `mynumber-card.md` §4.1 list `67 00` for a wrong length, and
 *   neither reference lets the My Number card ignore surplus bytes). A card whose specification says otherwise opts
 *   out with `{ dataLongerThanLc: "useLc" }`: the first Lc bytes are the data, the rest is ignored as a whole and
 *   the command has no Le; `ignoredBytes` counts the rest. The residence card does this for SELECT FILE, VERIFY and
 *   MUTUAL AUTHENTICATE (在留カード等仕様書 Ver 1.5 §4.2.1(6), §4.2.2(6), §4.2.4(6) 特記事項: 「Lc 値よりもコマンド
 *   データ長が大きい場合、Lc の値を正として処理を行う」).
 *
 * @since 0.1.0
 */
import { WRONG_LENGTH } from "./StatusWord.js"

export interface CommandApdu {
  readonly cla: number
  readonly ins: number
  readonly p1: number
  readonly p2: number
  /** The command data field: exactly Lc bytes (empty without Lc). */
  readonly data: Uint8Array
  /** Whether an Lc field is present (cases 3 and 4). */
  readonly hasData: boolean
  /** Ne, the maximum response data length: 1–256 (short) or 1–65536 (extended); `undefined` without Le. */
  readonly ne: number | undefined
  /** Whether the command used the extended length encoding. */
  readonly extended: boolean
  /** ISO/IEC 7816-3 case: 1 (header only), 2 (Le), 3 (Lc, data), 4 (Lc, data, Le). */
  readonly case: 1 | 2 | 3 | 4
  /** Bytes after the Lc data that were ignored (data longer than Lc, with `dataLongerThanLc: "useLc"` only). */
  readonly ignoredBytes: number
}

export interface ParseOptions {
  /**
   * Command data longer than Lc: `"wrongLength"` (default) answers `67 00` like any other length error; `"useLc"`
   * takes the first Lc bytes as the data and ignores the rest (在留カード等仕様書 Ver 1.5 特記事項).
   */
  readonly dataLongerThanLc?: "wrongLength" | "useLc" | undefined
}

export type ParseResult =
  | { readonly _tag: "Command"; readonly command: CommandApdu }
  | { readonly _tag: "Error"; readonly sw: number }

const error = (sw: number): ParseResult => ({ _tag: "Error", sw })

/** Parses a command APDU as a card does. Never throws. */
export const parse = (bytes: Uint8Array, options: ParseOptions = {}): ParseResult => {
  const useLc = options.dataLongerThanLc === "useLc"
  const n = bytes.length
  if (n < 4) return error(WRONG_LENGTH)
  const cla = bytes[0]!
  const ins = bytes[1]!
  const p1 = bytes[2]!
  const p2 = bytes[3]!
  const command = (fields: Omit<CommandApdu, "cla" | "ins" | "p1" | "p2">): ParseResult => ({
    _tag: "Command",
    command: { cla, ins, p1, p2, ...fields }
  })
  const empty = new Uint8Array(0)
  if (n === 4) return command({ data: empty, hasData: false, ne: undefined, extended: false, case: 1, ignoredBytes: 0 })
  const b4 = bytes[4]!
  if (n === 5) {
    return command({ data: empty, hasData: false, ne: b4 === 0 ? 256 : b4, extended: false, case: 2, ignoredBytes: 0 })
  }
  if (b4 !== 0) {
    // Short Lc.
    const lc = b4
    if (n < 5 + lc) return error(WRONG_LENGTH)
    const data = bytes.slice(5, 5 + lc)
    const rest = n - 5 - lc
    if (rest === 0) return command({ data, hasData: true, ne: undefined, extended: false, case: 3, ignoredBytes: 0 })
    if (rest === 1) {
      const le = bytes[n - 1]!
      return command({ data, hasData: true, ne: le === 0 ? 256 : le, extended: false, case: 4, ignoredBytes: 0 })
    }
    if (!useLc) return error(WRONG_LENGTH)
    return command({ data, hasData: true, ne: undefined, extended: false, case: 3, ignoredBytes: rest })
  }
  // b4 = 00 and more bytes follow: extended length.
  if (n < 7) return error(WRONG_LENGTH)
  const x = (bytes[5]! << 8) | bytes[6]!
  if (n === 7) {
    return command({ data: empty, hasData: false, ne: x === 0 ? 65536 : x, extended: true, case: 2, ignoredBytes: 0 })
  }
  const lc = x
  if (lc === 0) return error(WRONG_LENGTH)
  if (n < 7 + lc) return error(WRONG_LENGTH)
  const data = bytes.slice(7, 7 + lc)
  const rest = n - 7 - lc
  if (rest === 0) return command({ data, hasData: true, ne: undefined, extended: true, case: 3, ignoredBytes: 0 })
  if (rest === 2) {
    const le = (bytes[n - 2]! << 8) | bytes[n - 1]!
    return command({ data, hasData: true, ne: le === 0 ? 65536 : le, extended: true, case: 4, ignoredBytes: 0 })
  }
  if (!useLc) return error(WRONG_LENGTH)
  return command({ data, hasData: true, ne: undefined, extended: true, case: 3, ignoredBytes: rest })
}

/**
 * Whether a command APDU uses the extended length encoding, judged from its bytes alone as a short-only reader
 * path does: byte 5 is `00` and more bytes follow.
 */
export const isExtended = (bytes: Uint8Array): boolean => bytes.length >= 7 && bytes[4] === 0x00
