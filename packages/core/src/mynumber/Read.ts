/**
 * SELECT and READ BINARY as the My Number card readers use them (shared/reference/mynumber-card.md §4, §5):
 * applications selected by AID with `6A 82` turned into `NotMyNumberCardError`, and TLV files read in the fewest
 * APDUs the link allows, learning the length from the data object's own header.
 *
 * A TLV file is read from offset 0 with the largest Le the link carries (`00 B0 00 00 00`, 256 bytes, on a short-only
 * link; one extended READ BINARY of up to 65536 bytes otherwise). The card answers up to the end of the file, so a
 * file that fits comes back whole in that one APDU, filler included (the kenhojo EF0001 digest covers the filler,
 * §11). Otherwise the header in the first chunk gives the data object's length, and the rest follows in chunks of the
 * largest Le, the last one cut to what remains: never a header-only read, never a chunk past the data object. `62 82`,
 * `6B 00` or an empty answer means the file ends there, so a data object that goes on past it is truncated: the reader
 * never asks past an end the card announced. A card answers `min(Le, what remains)` with `90 00`; a shorter answer with
 * `90 00` before the data object's end (an applet whose APDU buffer is smaller than the Le asked) is read on from where
 * it stopped, within a budget of one READ BINARY per 64 bytes of the data object (half the 128 data bytes of the
 * smallest APDU buffer Java Card allows), so a card that dribbles a byte per answer is refused, not followed for 32 000
 * APDUs. A reader that claims extended length and answers `67 00` is switched to short chunks for the session.
 *
 * @since 0.1.0
 */
import { Effect, Result } from "effect"
import * as Apdu from "../apdu/Apdu.js"
import { concat } from "../Bytes.js"
import * as Input from "../Input.js"
import * as Iso7816 from "../iso7816/Iso7816.js"
import * as Tlv from "../tlv/Tlv.js"
import { CardTransport } from "../transport/CardTransport.js"
import { type Application, applications, type Credential } from "./Applications.js"
import type { Resolved } from "./Credentials.js"
import { CardDataError, CredentialScopeError, type InvalidCredentialError, NotMyNumberCardError } from "./Errors.js"
import * as PinGuard from "./PinGuard.js"

/** SELECT an application by AID (`00 A4 04 0C`); `6A 82` means the card does not have it. */
export const selectApplication = Effect.fn("mynumber.selectApplication")(function* (application: Application) {
  const step = `mynumber.${application}.select`
  const response = yield* Iso7816.exchange(Apdu.command(0x00, 0xa4, 0x04, 0x0c, applications[application].aid), {
    step,
    disclosure: "public"
  })
  if (response.sw === 0x6a82) return yield* new NotMyNumberCardError({ step, application })
  yield* Iso7816.expectOk(step)(response)
})

/** SELECT an EF of the current application (`00 A4 02 0C 02 <FID>`). */
export const selectEf = (fid: number, step: string) => Iso7816.selectEf(fid, step)

/** What one READ BINARY gave: its data, and whether the card said that the file ends within it. */
export interface Chunk {
  readonly data: Uint8Array
  /**
   * The card said that the file ends within this answer: `6B 00` (the offset is past the end), `62 82` (end of file
   * reached before Le bytes, ISO/IEC 7816-4 §5.6), or no data at all. Reading on past that point has nothing to find.
   */
  readonly endOfFile: boolean
}

/**
 * One READ BINARY at `offset` on the current EF, asking for `length` bytes. An extended APDU refused with `67 00` is
 * sent once more in short form (and the link is read in short form from then on).
 */
export const readChunk = Effect.fnUntraced(function* (offset: number, length: number, step: string) {
  const transport = yield* CardTransport
  const [p1, p2] = Iso7816.readBinaryP1P2(undefined, offset)
  const command = (le: number) => Apdu.command(0x00, 0xb0, p1, p2, undefined, le)
  let le = length
  let response = yield* Iso7816.exchange(command(le), { step })
  if (response.sw === 0x6700 && Apdu.requiredForm(command(le)) === "extended") {
    Iso7816.markExtendedRefused(transport)
    le = Math.min(le, Iso7816.maxResponseData(transport))
    response = yield* Iso7816.exchange(command(le), { step })
  }
  if (response.sw === 0x6b00) return { data: new Uint8Array(0), endOfFile: true } satisfies Chunk as Chunk
  if (response.sw === 0x6282) return { data: response.data, endOfFile: true } satisfies Chunk as Chunk
  // Fewer bytes than asked with 90 00 is not an end: a card does it at the end of the file (min(Le, what remains),
  // shared/reference/mynumber-card.md §5), an applet with a small APDU buffer anywhere. readTlvFile knows which.
  const data = yield* Iso7816.expectOk(step)(response)
  return { data, endOfFile: data.length === 0 } satisfies Chunk as Chunk
})

/**
 * One READ BINARY at `offset` on the current EF: its data. `6B 00` (offset beyond the end) reads as no data, `62 82`
 * (end of file before Le bytes) as the data given; an extended APDU refused with `67 00` is sent again in short form.
 */
export const readBinaryAt = (offset: number, length: number, step: string) =>
  Effect.map(readChunk(offset, length, step), (chunk) => chunk.data)

/**
 * Where the first data object ends, from its tag and length fields alone (its value need not be there yet). The
 * tag rule is `Tlv.decodeAt`'s: one byte, or two when the low five bits of the first are all set.
 */
export const dataObjectEnd = (bytes: Uint8Array): Result.Result<number, Tlv.TlvError> => {
  const fail = (reason: Tlv.TlvErrorReason, offset: number) => Result.fail(new Tlv.TlvError({ reason, offset }))
  if (bytes.length < 1) return fail("TruncatedTag", 0)
  let i = (bytes[0]! & 0x1f) === 0x1f ? 2 : 1
  if (bytes.length < i) return fail("TruncatedTag", 0)
  if (bytes.length <= i) return fail("TruncatedLength", i)
  const l0 = bytes[i++]!
  if (l0 < 0x80) return Result.succeed(i + l0)
  if (l0 === 0x80) return fail("IndefiniteLength", i - 1)
  const n = l0 & 0x7f
  if (n > 4) return fail("LengthTooLong", i - 1)
  if (i + n > bytes.length) return fail("TruncatedLength", i - 1)
  let length = 0
  for (let k = 0; k < n; k++) length = length * 256 + bytes[i++]!
  return Result.succeed(i + length)
}

const isFiller = (bytes: Uint8Array) => bytes.every((b) => b === 0xff || b === 0x00)

/** The longest tag and length fields `dataObjectEnd` reads: a two-byte tag, then `84` and four length bytes. */
const MAX_HEADER = 7

export interface TlvFile {
  /**
   * The file as read: the whole file (filler included) when it ended within the reads, otherwise up to the end of its
   * data object. Byte for byte what the card returned, for signature and digest checks.
   */
  readonly raw: Uint8Array
  /** The file's one top-level data object. */
  readonly object: Tlv.Tlv
}

/** Short answers with `90 00` are read on within one READ BINARY per this many bytes of the data object. */
const MIN_ANSWER = 64

export interface ReadTlvFileOptions {
  readonly step: string
  /** The file, for `CardDataError.field` (e.g. `kenhojo EF0002`). */
  readonly field: string
  /** The tag the file's data object must have. */
  readonly tag: number
}

/**
 * Reads the current EF, a single BER-TLV data object followed by optional `FF` / `00` filler (see the module
 * comment). An empty or all-filler file, a truncated object, a wrong tag or bytes after the object other than filler
 * are a `CardDataError` naming the file.
 */
export const readTlvFile = Effect.fn("mynumber.readTlvFile")(function* (options: ReadTlvFileOptions) {
  const transport = yield* CardTransport
  const { step, field } = options
  const bad = (detail: string) => new CardDataError({ step, field, detail })
  // The first read must hold the data object's header. A link that reports a smaller limit (or 0, an Le no APDU can
  // carry, which threw) cannot read these files; saying so beats blaming the card for a cut header.
  if (!(Iso7816.maxResponseData(transport) >= MAX_HEADER))
    return yield* Iso7816.responseLimitTooSmall(transport, MAX_HEADER, step)
  const first = yield* readChunk(0, Iso7816.maxResponseData(transport), step)
  if (first.data.length === 0 || isFiller(first.data.subarray(0, 2)))
    return yield* bad("the file holds no data (empty or filler only)")
  const end = dataObjectEnd(first.data)
  if (Result.isFailure(end)) return yield* bad(end.failure.message)
  // READ BINARY reaches offset 7FFF at most, so the last read can end no further than 7FFF plus one response. A length
  // beyond that (a hostile header may claim 4 GB) is refused now, not after some hundred reads.
  if (end.success > first.data.length && end.success > 0x7fff + Iso7816.maxResponseData(transport))
    return yield* bad(`the data object is ${end.success} bytes, beyond READ BINARY's reach (offsets up to 32767)`)
  const truncated = (at: number) =>
    bad(`the file ends at byte ${at}, inside its data object (${end.success} bytes): the record is truncated`)
  // After an end the card announced (6282, 6B00, no data) the reader never asks again. Short answers with 90 00 are
  // read on, within one READ BINARY per MIN_ANSWER bytes still to come after the first answer (see the module comment).
  const budget = Math.ceil(Math.max(0, end.success - first.data.length) / MIN_ANSWER) + 1
  let reads = 0
  let data = first.data
  let ended = first.endOfFile
  while (data.length < end.success) {
    if (ended) return yield* truncated(data.length)
    if (data.length > 0x7fff) return yield* bad("the data object runs past offset 32767, beyond READ BINARY's reach")
    if (reads >= budget)
      return yield* bad(
        `the card answered READ BINARY in pieces too small to read (${data.length - first.data.length} bytes in ${reads} answers, ${end.success - data.length} still missing): refused rather than followed one APDU at a time`
      )
    reads++
    const next = yield* readChunk(
      data.length,
      Math.min(Iso7816.maxResponseData(transport), end.success - data.length),
      step
    )
    data = concat(data, next.data)
    ended = next.endOfFile
  }
  const objects = Tlv.decodeAllResult(data, { trailing: "filler" })
  if (Result.isFailure(objects)) return yield* bad(objects.failure.message)
  const [object, extra] = objects.success
  if (object === undefined || extra !== undefined)
    return yield* bad(`${objects.success.length} data objects where one is expected`)
  if (object.tag !== options.tag)
    return yield* bad(`data object ${tagHex(options.tag)} expected, found ${tagHex(object.tag)}`)
  const file: TlvFile = { raw: data, object }
  return file
})

export const tagHex = (tag: number): string => tag.toString(16).toUpperCase().padStart(2, "0")

/**
 * The step that reads one TLV file of the selected application: SELECT the EF, read the data object with the given
 * tag (length from its header), parse it. Traced as `mynumber.<application>.read.<item>`.
 */
export const tlvFileStep = <A>(options: {
  readonly application: "kenhojo" | "kenkaku"
  readonly item: string
  readonly fid: number
  readonly tag: number
  readonly parse: (raw: Uint8Array, object: Tlv.Tlv, step: string) => Result.Result<A, CardDataError>
}) => {
  const step = `mynumber.${options.application}.read.${options.item}`
  const field = `${options.application} EF${options.fid.toString(16).toUpperCase().padStart(4, "0")}`
  return Effect.fn(step)(function* () {
    yield* selectEf(options.fid, step)
    const { raw, object } = yield* readTlvFile({ step, field, tag: options.tag })
    return yield* Effect.fromResult(options.parse(raw, object, step))
  })
}

/**
 * A whole read of the 券面 applications with one guarded VERIFY: the credential and the items are validated before any
 * APDU (a credential that does not open an item is a `CredentialScopeError`), then SELECT the application, VERIFY
 * behind the PIN guard (skipped when only the free certificate is wanted), and read each wanted item in `order`.
 */
export const readItems = <Steps extends Record<string, () => Effect.Effect<unknown, unknown, unknown>>>(
  application: "kenhojo" | "kenkaku",
  credential: Result.Result<Resolved, InvalidCredentialError>,
  scope: {
    /** Every item, in reading order. */
    readonly order: ReadonlyArray<keyof Steps & string>
    /** What each credential opens. */
    readonly opens: Readonly<Partial<Record<Credential, ReadonlyArray<keyof Steps & string>>>>
    /** The step that reads each item. */
    readonly steps: Steps
  },
  options: PinGuard.VerifyOptions & { readonly items?: ReadonlyArray<keyof Steps & string> | undefined }
): Effect.Effect<
  { readonly [K in keyof Steps]?: Effect.Success<ReturnType<Steps[K]>> },
  | InvalidCredentialError
  | CredentialScopeError
  | Effect.Error<ReturnType<typeof selectApplication>>
  | Effect.Error<ReturnType<typeof PinGuard.verify>>
  | Effect.Error<ReturnType<Steps[keyof Steps]>>,
  | Effect.Services<ReturnType<typeof selectApplication>>
  | Effect.Services<ReturnType<typeof PinGuard.verify>>
  | Effect.Services<ReturnType<Steps[keyof Steps]>>
> =>
  Effect.gen(function* () {
    const resolved = yield* Effect.fromResult(credential)
    yield* PinGuard.requireVerifyOptions(`mynumber.${application}.read`, options, {
      items: Input.arrayOf((item) => typeof item === "string", `an array of item names (${scope.order.join(", ")})`)
    })
    const opened = scope.opens[resolved.credential] ?? []
    const wanted = options.items ?? opened
    for (const item of wanted)
      if (!opened.includes(item)) return yield* new CredentialScopeError({ credential: resolved.credential, item })
    yield* selectApplication(application)
    if (wanted.some((item) => item !== "certificate"))
      yield* PinGuard.verify(resolved.credential, resolved.secret, options)
    const data: Record<string, unknown> = {}
    for (const item of scope.order) if (wanted.includes(item)) data[item] = yield* scope.steps[item]!()
    return data as { readonly [K in keyof Steps]?: Effect.Success<ReturnType<Steps[K]>> }
  }) as never // the body sees the steps through their constraint; the signature re-attaches their own types
