/**
 * BER-TLV (ISO/IEC 8825-1 as profiled by ISO/IEC 7816-4 §5.2) as the Japanese card specs use it: tags of one or two
 * bytes, definite lengths in one byte (00–7F) or `81`–`84` followed by 1–4 bytes. Decoding is strict about bounds: a
 * tag, length or value that runs past the input is a `TlvError`, never an exception or an out-of-bounds read.
 *
 * A first tag byte whose low five bits are all set is followed by exactly one more tag byte, taken whole. Strict BER
 * would read b8 of that byte as "another tag byte follows", but the residence card's `DF D1` (SPEC2 §3.2.3.1: tags are
 * 1–2 bytes) sets b8, and neither card family uses a three-byte tag.
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema } from "effect"

export interface Tlv {
  /** The tag as a number, e.g. `0xD0` or `0xDFD1` or `0x7F21`. */
  readonly tag: number
  /** Bit 6 of the first tag byte. */
  readonly constructed: boolean
  readonly value: Uint8Array
  /** Offset of the tag in the input, and of the first byte after the value. */
  readonly start: number
  readonly end: number
}

export const TlvErrorReason = Schema.Literals([
  "TruncatedTag",
  "TruncatedLength",
  "IndefiniteLength",
  "LengthTooLong",
  "TruncatedValue",
  "TrailingData"
])
export type TlvErrorReason = typeof TlvErrorReason.Type

const explain: Record<TlvErrorReason, string> = {
  TruncatedTag: "the data ends inside a tag",
  TruncatedLength: "the data ends inside a length field",
  IndefiniteLength: "an indefinite length (80) is not allowed here",
  LengthTooLong: "a length field is longer than 4 bytes",
  TruncatedValue: "a value runs past the end of the data",
  TrailingData: "unexpected bytes after the last data object"
}

/**
 * `offset` is where the faulty field starts: the tag for `TruncatedTag`, the length field for `TruncatedLength`,
 * `IndefiniteLength` and `LengthTooLong`, the value for `TruncatedValue`, and the first unexpected byte for
 * `TrailingData`.
 */
export class TlvError extends Schema.TaggedError<TlvError>()("TlvError", {
  reason: TlvErrorReason,
  offset: Schema.Number
}) {
  override get message(): string {
    return `malformed BER-TLV at byte ${this.offset}: ${explain[this.reason]}`
  }
}

/** Decodes the data object starting at `offset`. */
export const decodeAt = (input: Uint8Array, offset: number): Result.Result<Tlv, TlvError> => {
  const fail = (reason: TlvErrorReason, at: number) => Result.fail(new TlvError({ reason, offset: at }))
  let i = offset
  if (i >= input.length) return fail("TruncatedTag", offset)
  const first = input[i++]!
  let tag = first
  if ((first & 0x1f) === 0x1f) {
    // Two-byte tag; the second byte is taken whole, b8 included (`DF D1`; see the module comment).
    if (i >= input.length) return fail("TruncatedTag", offset)
    tag = tag * 256 + input[i++]!
  }
  const lengthStart = i
  if (i >= input.length) return fail("TruncatedLength", lengthStart)
  const l0 = input[i++]!
  let length: number
  if (l0 < 0x80) length = l0
  else if (l0 === 0x80) return fail("IndefiniteLength", lengthStart)
  else {
    const n = l0 & 0x7f
    if (n > 4) return fail("LengthTooLong", lengthStart)
    if (i + n > input.length) return fail("TruncatedLength", lengthStart)
    length = 0
    for (let k = 0; k < n; k++) length = length * 256 + input[i++]!
  }
  if (length > input.length - i) return fail("TruncatedValue", i)
  return Result.succeed({
    tag,
    constructed: (first & 0x20) !== 0,
    value: input.subarray(i, i + length),
    start: offset,
    end: i + length
  })
}

export interface DecodeOptions {
  /**
   * What may follow the last data object: nothing (`"none"`, the default), `00` bytes (fixed-size EFs padded with
   * zeros) or `FF`/`00` filler (My Number card EFs).
   *
   * With `"filler"`, an `FF` where a tag would start begins the filler only when the byte after it is `FF` or `00`, or
   * there is none: otherwise it is the first byte of a two-byte tag, as in the My Number card's `FF10` and `FF20`.
   */
  readonly trailing?: "none" | "zeros" | "filler"
}

const isFiller = (b: number, trailing: "zeros" | "filler") => b === 0x00 || (trailing === "filler" && b === 0xff)

/** Whether the filler starts at `offset`, where a tag would otherwise start. */
const fillerStarts = (input: Uint8Array, offset: number, trailing: "zeros" | "filler"): boolean => {
  const b = input[offset]!
  if (b === 0x00) return true
  if (trailing !== "filler" || b !== 0xff) return false
  const next = input[offset + 1]
  return next === undefined || isFiller(next, trailing)
}

/** Decodes a sequence of concatenated data objects. */
export const decodeAllResult = (
  input: Uint8Array,
  options: DecodeOptions = {}
): Result.Result<ReadonlyArray<Tlv>, TlvError> => {
  const trailing = options.trailing ?? "none"
  const out: Array<Tlv> = []
  let offset = 0
  while (offset < input.length) {
    if (trailing !== "none" && fillerStarts(input, offset, trailing)) {
      // No tag of these cards starts with 00 (ISO/IEC 7816-4 §5.2.2.1), nor with FF FF or FF 00: from here on
      // everything must be filler.
      for (let k = offset; k < input.length; k++)
        if (!isFiller(input[k]!, trailing)) return Result.fail(new TlvError({ reason: "TrailingData", offset: k }))
      break
    }
    const next = decodeAt(input, offset)
    if (Result.isFailure(next)) return Result.fail(next.failure)
    out.push(next.success)
    offset = next.success.end
  }
  return Result.succeed(out)
}

export const decodeAll = (input: Uint8Array, options?: DecodeOptions): Effect.Effect<ReadonlyArray<Tlv>, TlvError> =>
  Effect.fromResult(decodeAllResult(input, options))

/** The first data object with this tag among `tlvs`. */
export const find = (tlvs: ReadonlyArray<Tlv>, tag: number): Tlv | undefined => tlvs.find((t) => t.tag === tag)

/** The tag bytes, refusing a tag that `decodeAt` would read back differently. */
const tagBytes = (tag: number): Array<number> => {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffff) throw new RangeError("TLV tag out of range")
  if (tag > 0xff) {
    if (((tag >> 8) & 0x1f) !== 0x1f) throw new RangeError("a two-byte TLV tag must start with a byte xxx11111")
    return [tag >> 8, tag & 0xff]
  }
  if ((tag & 0x1f) === 0x1f) throw new RangeError("a one-byte TLV tag cannot end in 11111")
  return [tag]
}

/** The BER length field of a value length: 1 to 5 bytes. */
export const encodeLength = (length: number): Array<number> => {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) throw new RangeError("TLV length out of range")
  if (length < 0x80) return [length]
  if (length <= 0xff) return [0x81, length]
  if (length <= 0xffff) return [0x82, length >> 8, length & 0xff]
  if (length <= 0xffffff) return [0x83, length >> 16, (length >> 8) & 0xff, length & 0xff]
  return [0x84, length >>> 24, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff]
}

/** Encodes one data object with the shortest length field. */
export const encode = (tag: number, value: Uint8Array): Uint8Array => {
  const header = [...tagBytes(tag), ...encodeLength(value.length)]
  const out = new Uint8Array(header.length + value.length)
  out.set(header, 0)
  out.set(value, header.length)
  return out
}
