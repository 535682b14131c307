/**
 * Parsing helpers shared by the My Number card applications: the fields of a constructed data object, fixed-format
 * values decoded with Schema (dates, sex code), the DF21 offset table and the card-verifiable certificate of the 券面
 * APs, and the SHA-256 DigestInfo. shared/reference/mynumber-card.md §7.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { concat, fromHex, readUint16 } from "../Bytes.js"
import { type CalendarDate, CalendarDateFromYyyymmdd } from "../schema/CalendarDate.js"
import * as Tlv from "../tlv/Tlv.js"
import { CardDataError } from "./Errors.js"
import { tagHex } from "./Read.js"

export interface Field {
  readonly step: string
  /** File and data object, e.g. `kenhojo EF0002 DF24`. */
  readonly field: string
}

/** A `CardDataError` at `at`. */
const fail = (at: Field, detail: string) => Result.fail(new CardDataError({ step: at.step, field: at.field, detail }))

/** The data objects inside a constructed object: nothing may follow the last one. */
export const children = (object: Tlv.Tlv, at: Field): Result.Result<ReadonlyArray<Tlv.Tlv>, CardDataError> => {
  const decoded = Tlv.decodeAllResult(object.value)
  return Result.isSuccess(decoded) ? Result.succeed(decoded.success) : fail(at, decoded.failure.message)
}

/** The first child with this tag, of exactly `length` bytes when given. */
export const required = (
  objects: ReadonlyArray<Tlv.Tlv>,
  tag: number,
  at: Field,
  length?: number
): Result.Result<Tlv.Tlv, CardDataError> => {
  const object = Tlv.find(objects, tag)
  if (object === undefined) return fail(at, `data object ${tagHex(tag)} is missing`)
  if (length !== undefined && object.value.length !== length)
    return fail(at, `data object ${tagHex(tag)} has ${object.value.length} bytes, ${length} expected`)
  return Result.succeed(object)
}

/** The data objects as written (tag, length and value), concatenated: what the card's record signatures cover. */
export const encodedAll = (container: Uint8Array, objects: ReadonlyArray<Tlv.Tlv>): Uint8Array =>
  concat(...objects.map((o) => container.subarray(o.start, o.end)))

const asciiDecoder = new TextDecoder("ascii")
const utf8Decoder = new TextDecoder("utf-8", { fatal: true })

/** Printable ASCII, or `undefined`. */
export const ascii = (bytes: Uint8Array): string | undefined =>
  bytes.every((b) => b >= 0x20 && b < 0x7f) ? asciiDecoder.decode(bytes) : undefined

/** Strict UTF-8 (a malformed sequence fails, it is not replaced). */
export const utf8 = (bytes: Uint8Array, at: Field): Result.Result<string, CardDataError> => {
  try {
    return Result.succeed(utf8Decoder.decode(bytes))
  } catch {
    return fail(at, "the text is not valid UTF-8")
  }
}

/** `YYYYMMDD` (ASCII) → `YYYY-MM-DD`. The detail never repeats the value. */
export const date = (bytes: Uint8Array, at: Field): Result.Result<CalendarDate, CardDataError> => {
  const decoded = Schema.decodeUnknownResult(CalendarDateFromYyyymmdd)(ascii(bytes) ?? "")
  return Result.isSuccess(decoded) ? Result.succeed(decoded.success) : fail(at, "not a date YYYYMMDD (no such day)")
}

/** 性別, one ASCII digit (ISO/IEC 5218, JIS X 0303: 1 male, 2 female, 9 not applicable, 0 not known). */
export const SexCode = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^[0-9]$/, { message: "expected one digit" })),
  Schema.brand("SexCode")
)
export type SexCode = typeof SexCode.Type

/** The meaning of a sex code; codes outside ISO/IEC 5218 are kept as `"other"` with their code (§7.2). */
export type Sex = "male" | "female" | "notApplicable" | "notKnown" | "other"

export const sexOf = (code: SexCode): Sex =>
  code === "1" ? "male" : code === "2" ? "female" : code === "9" ? "notApplicable" : code === "0" ? "notKnown" : "other"

export const sexCode = (bytes: Uint8Array, at: Field): Result.Result<SexCode, CardDataError> => {
  const decoded = Schema.decodeUnknownResult(SexCode)(ascii(bytes) ?? "")
  return Result.isSuccess(decoded) ? Result.succeed(decoded.success) : fail(at, "the sex code is not one digit")
}

/** DF21 of the 券面 records: the 16-bit big-endian offsets of the data objects after it, as the card states them. */
export const uint16Offsets = (bytes: Uint8Array, at: Field): Result.Result<ReadonlyArray<number>, CardDataError> =>
  bytes.length % 2 !== 0
    ? fail(at, "an odd number of bytes for 16-bit offsets")
    : Result.succeed(Array.from({ length: bytes.length / 2 }, (_, i) => readUint16(bytes, 2 * i)))

// ---------------------------------------------------------------------------------------------------------------
// Card-verifiable certificate (kenhojo / kenkaku EF0004)

/**
 * A card-verifiable certificate `7F21 { 5F4E body, 5F37 signature }` (§7.4), split but not interpreted: the
 * verifier checks `signature` over `body` with the J-LIS CA key named in the body, then uses the key it certifies.
 */
export interface CardVerifiableCertificate {
  /** The `5F4E` value (297 bytes on known cards): issuer key ID ‖ holder key ID ‖ `90` exponent ‖ `91` modulus. */
  readonly body: Uint8Array
  /** The `5F37` value: RSA PKCS#1 v1.5 SHA-256 signature over `body`. */
  readonly signature: Uint8Array
  /** The EF as read. */
  readonly raw: Uint8Array
}

export const parseCvc = (
  raw: Uint8Array,
  object: Tlv.Tlv,
  at: Field
): Result.Result<CardVerifiableCertificate, CardDataError> =>
  Result.gen(function* () {
    const fields = yield* children(object, at)
    const body = yield* required(fields, 0x5f4e, at)
    const signature = yield* required(fields, 0x5f37, at)
    return {
      body: body.value,
      signature: signature.value,
      raw
    }
  })

// ---------------------------------------------------------------------------------------------------------------
// DigestInfo

const SHA256_DIGEST_INFO_PREFIX = fromHex("30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20")

/** The 51-byte DER DigestInfo of a SHA-256 digest (PKCS#1 v1.5 `sha256WithRSAEncryption` payload). */
export const sha256DigestInfo = (digest: Uint8Array): Uint8Array => concat(SHA256_DIGEST_INFO_PREFIX, digest)
