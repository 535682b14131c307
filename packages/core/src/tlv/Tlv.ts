/**
 * BER-TLV (ISO/IEC 8825-1 as profiled by ISO/IEC 7816-4 §5.2): multi-byte tags, definite lengths in one byte
 * (00–7F) or `81`–`84` followed by 1–4 bytes. Decoding is strict about bounds: a tag, length or value that runs
 * past the input is a `TlvError`, never an exception or an out-of-bounds read.
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
  "TagTooLong",
  "TruncatedLength",
  "IndefiniteLength",
  "LengthTooLong",
  "TruncatedValue",
  "TrailingData"
])
export type TlvErrorReason = typeof TlvErrorReason.Type

const explain: Record<TlvErrorReason, string> = {
  TruncatedTag: "the data ends inside a tag",
  TagTooLong: "a tag is longer than 3 bytes",
  TruncatedLength: "the data ends inside a length field",
  IndefiniteLength: "an indefinite length (80) is not allowed here",
  LengthTooLong: "a length field is longer than 4 bytes",
  TruncatedValue: "a value runs past the end of the data",
  TrailingData: "unexpected bytes after the last data object"
}

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
  if (i >= input.length) return fail("TruncatedTag", i)
  const first = input[i++]!
  let tag = first
  if ((first & 0x1f) === 0x1f) {
    // Subsequent tag bytes: b8 set means another byte follows (ISO/IEC 7816-4 §5.2.2.1).
    let count = 0
    for (;;) {
      if (i >= input.length) return fail("TruncatedTag", i)
      const b = input[i++]!
      tag = tag * 256 + b
      if (++count > 2) return fail("TagTooLong", offset)
      if ((b & 0x80) === 0) break
    }
  }
  if (i >= input.length) return fail("TruncatedLength", i)
  const l0 = input[i++]!
  let length: number
  if (l0 < 0x80) length = l0
  else if (l0 === 0x80) return fail("IndefiniteLength", i - 1)
  else {
    const n = l0 & 0x7f
    if (n > 4) return fail("LengthTooLong", i - 1)
    if (i + n > input.length) return fail("TruncatedLength", i)
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
   */
  readonly trailing?: "none" | "zeros" | "filler"
}

const isFiller = (b: number, trailing: "zeros" | "filler") => b === 0x00 || (trailing === "filler" && b === 0xff)

/** Decodes a sequence of concatenated data objects. */
export const decodeAllResult = (
  input: Uint8Array,
  options: DecodeOptions = {}
): Result.Result<ReadonlyArray<Tlv>, TlvError> => {
  const trailing = options.trailing ?? "none"
  const out: Array<Tlv> = []
  let offset = 0
  while (offset < input.length) {
    if (trailing !== "none" && isFiller(input[offset]!, trailing)) {
      // A tag never starts with 00 or FF (ISO/IEC 7816-4 §5.2.2.1): from here on everything must be filler.
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

const tagBytes = (tag: number): Array<number> => {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffff) throw new RangeError("TLV tag out of range")
  if (tag > 0xffff) return [tag >> 16, (tag >> 8) & 0xff, tag & 0xff]
  if (tag > 0xff) return [tag >> 8, tag & 0xff]
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
