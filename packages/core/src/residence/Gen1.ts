/**
 * First-generation residence card (card type "1") and special permanent resident certificate ("2"): reading the
 * files after authentication and parsing them into the domain model. 在留カード等仕様書 Ver 1.5 §3.3 (pp. 8–12).
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema } from "effect"
import * as Input from "../Input.js"
import { type CalendarDate, CalendarDateFromYyyymmdd } from "../schema/CalendarDate.js"
import * as Tlv from "../tlv/Tlv.js"
import { type Detection, detectionCheck } from "./Detect.js"
import { CardDataError } from "./Errors.js"
import { type aid, type FileSpec, type Gen1File, gen1, gen1Files } from "./Files.js"
import { readEach, readEf, requireReadArguments } from "./ReadEach.js"
import type { SecureSession } from "./Session.js"
import { type CardText, decodeAscii, decodeText } from "./Text.js"

export interface ReadOptions {
  /** Which files to read (default: all). Files the card type does not have are skipped and not listed as read. */
  readonly files?: ReadonlyArray<Gen1File>
}

/** The files as read, EF contents byte for byte (what a server needs to parse and verify again). */
export type RawFiles = Partial<Record<Gen1File, Uint8Array>>

const stepOf = (file: Gen1File) => `residence.gen1.read.${file}`

const appliesTo = (spec: FileSpec, cardType: Detection["cardType"]) => spec.cardTypes === "both" || cardType === "1"

/** The files `options` asks for that this card type has, in card order. */
export const plannedFiles = (cardType: Detection["cardType"], options: ReadOptions = {}): ReadonlyArray<Gen1File> => {
  const wanted = new Set(options.files ?? gen1Files)
  return gen1Files.filter((file) => wanted.has(file) && appliesTo(gen1[file], cardType))
}

/**
 * Reads one file after authentication. The caller must have selected the file's DF (see `readFiles`); DF1 and DF2
 * under secure messaging, DF3 in plain (see `ReadEach.readEf`).
 */
export const readFile = (session: SecureSession, file: Gen1File) => {
  const spec = gen1[file]
  return readEf(session, spec.df, { sfi: spec.sfi, size: spec.size, step: stepOf(file) })
}

/** Selects each needed DF once and reads the requested files; `onFile` reports progress. */
export const readFiles = Effect.fn("residence.gen1.readFiles")(function* (
  session: SecureSession,
  detection: Detection,
  options: ReadOptions & { readonly onFile?: (file: Gen1File, done: number, total: number) => void } = {}
) {
  yield* requireReadArguments(
    "residence.gen1.readFiles",
    session,
    detection,
    options,
    Input.arrayOf((f) => gen1Files.includes(f as Gen1File), "an array of first-generation file names")
  )
  const raw: RawFiles = yield* readEach(
    "gen1",
    plannedFiles(detection.cardType, options),
    // Planned files are DF files only (the MF's two are read by detection).
    (file) => gen1[file].df as keyof typeof aid,
    (file) => readFile(session, file),
    options.onFile
  )
  return raw
})

// ---------------------------------------------------------------------------------------------------------------
// Parsing

export const CardTypeGen1 = Schema.Literals(["1", "2"])
export type CardTypeGen1 = typeof CardTypeGen1.Type

export interface Image {
  readonly format: "tiff" | "jpeg2000"
  /** The whole fixed-length value, zero padding included: exactly the bytes the signature covers. */
  readonly data: Uint8Array
}

export interface Address {
  /** 追記書き込み年月日: the day the address was written to the chip. */
  readonly recordedOn: CalendarDate
  /** 市町村コード: the 6-digit local government code (全国地方公共団体コード). */
  readonly municipalityCode: string
  readonly address: CardText
}

export interface Signature {
  /** チェックコード: RSA-2048 signature over front image value ‖ face image value. */
  readonly checkCode: Uint8Array
  /** 公開鍵証明書: the X.509 certificate, cut to its DER length when that is readable, else the whole padded field. */
  readonly certificate: Uint8Array
}

export interface ResidenceCardGen1 {
  readonly generation: 1
  readonly cardType: CardTypeGen1
  readonly specVersion: string
  /** The files this result holds, in reading order. Anything not listed was not read (by option or card type). */
  readonly filesRead: ReadonlyArray<Gen1File>
  /** 券面（表）イメージ: TIFF (CCITT G4) of the card front without pre-printed parts and photo. */
  readonly frontImage?: Image
  /** 顔画像: JPEG 2000; `null` on a card issued under 16 that stores none. */
  readonly faceImage?: Image | null
  readonly address?: Address
  /** 資格外活動包括許可: `null` when the card holds none (the EF rewritten to zeros). */
  readonly comprehensivePermission?: CardText | null
  /** 資格外活動個別許可: `null` when the card holds none. */
  readonly individualPermission?: CardText | null
  /** 在留期間等更新申請: whether an application for extension or change is pending. */
  readonly renewalApplication?: "none" | "applying"
  /** `null` when the card carries no signature (cards issued under 16). */
  readonly signature?: Signature | null
  /** The EFs as read, for saving and verifying elsewhere. */
  readonly raw: RawFiles
}

const fail = (file: Gen1File, detail: string) =>
  Result.fail(new CardDataError({ step: "residence.gen1.parse", field: file, detail }))

const isAllZero = (bytes: Uint8Array) => bytes.every((b) => b === 0)

/** The data objects of a fixed-layout EF, each with the exact tag and length the spec gives. */
const fixedObjects = (
  file: Gen1File,
  data: Uint8Array,
  layout: ReadonlyArray<readonly [tag: number, length: number]>
): Result.Result<ReadonlyArray<Uint8Array>, CardDataError> => {
  if (data.length !== gen1[file].size) return fail(file, `${data.length} bytes, ${gen1[file].size} expected`)
  const values: Array<Uint8Array> = []
  let offset = 0
  for (const [tag, length] of layout) {
    const next = Tlv.decodeAt(data, offset)
    if (Result.isFailure(next)) return fail(file, next.failure.message)
    const object = next.success
    if (object.tag !== tag)
      return fail(
        file,
        `data object ${tag.toString(16).toUpperCase()} expected at byte ${offset}, found ${object.tag.toString(16).toUpperCase()}`
      )
    if (object.value.length !== length)
      return fail(
        file,
        `data object ${tag.toString(16).toUpperCase()} of ${object.value.length} bytes, ${length} expected`
      )
    values.push(object.value)
    offset = object.end
  }
  if (offset !== data.length) return fail(file, `${data.length - offset} unexpected bytes after the data objects`)
  return Result.succeed(values)
}

const text = (file: Gen1File, bytes: Uint8Array): Result.Result<CardText, CardDataError> => {
  const decoded = decodeText(bytes)
  return Result.isSuccess(decoded) ? Result.succeed(decoded.success) : fail(file, "text is neither UTF-8 nor Shift_JIS")
}

const parseImage = (file: "frontImage" | "faceImage", data: Uint8Array) =>
  Result.map(
    fixedObjects(file, data, [[file === "frontImage" ? 0xd0 : 0xd1, file === "frontImage" ? 7000 : 3000]]),
    ([value]) => ({ format: file === "frontImage" ? "tiff" : "jpeg2000", data: value! }) as Image
  )

const parseAddress = (data: Uint8Array) =>
  Result.gen(function* () {
    const [date, code, address] = yield* fixedObjects("address", data, [
      [0xd2, 8],
      [0xd3, 6],
      [0xd4, 320]
    ])
    const dateText = decodeAscii(date!)
    const recordedOn = Schema.decodeUnknownResult(CalendarDateFromYyyymmdd)(dateText ?? "")
    if (Result.isFailure(recordedOn))
      return yield* fail("address", `追記書き込み年月日 (D2): ${recordedOn.failure.message}`)
    const municipalityCode = decodeAscii(code!)
    if (municipalityCode === undefined || !/^\d{6}$/.test(municipalityCode))
      return yield* fail("address", "市町村コード (D3) is not 6 digits")
    return { recordedOn: recordedOn.success, municipalityCode, address: yield* text("address", address!) } as Address
  })

const parsePermission = (
  file: "comprehensivePermission" | "individualPermission",
  data: Uint8Array
): Result.Result<CardText | null, CardDataError> => {
  // Rewritten to 「無」: the whole EF, tag and length included, is 00 (§3.3.4.6–7 notes, p. 11).
  if (data.length === gen1[file].size && isAllZero(data)) return Result.succeed(null)
  return Result.flatMap(
    fixedObjects(file, data, [[file === "comprehensivePermission" ? 0xd5 : 0xd6, 120]]),
    // A present but blank field (all-zero value) also means that no permission is recorded.
    ([value]) => Result.map(text(file, value!), (t) => (t.text === "" ? null : t))
  )
}

const parseRenewal = (data: Uint8Array) =>
  Result.flatMap(fixedObjects("renewalApplication", data, [[0xd7, 1]]), ([value]) =>
    value![0] === 0x30
      ? Result.succeed("none" as const)
      : value![0] === 0x31
        ? Result.succeed("applying" as const)
        : fail("renewalApplication", "flag D7 is neither '0' nor '1'")
  )

/** DER length of a certificate at the start of a zero-padded field, if the header is readable and fits. */
const derLength = (field: Uint8Array): number | undefined => {
  const tlv = Tlv.decodeAt(field, 0)
  return Result.isSuccess(tlv) && tlv.success.tag === 0x30 ? tlv.success.end : undefined
}

const parseSignature = (data: Uint8Array) => {
  const file = "signature" as const
  if (data.length !== gen1.signature.size) return fail(file, `${data.length} bytes, ${gen1.signature.size} expected`)
  // Cards issued under 16 carry no signature: `DA 00 DB 00` + zeros, `DA 00` + zeros (§3.3.5 notes *1, *2, p. 12),
  // and an all-zero EF is accepted as well (the spec's two footnotes disagree).
  if (isAllZero(data)) return Result.succeed(null)
  if (data[0] === 0xda && data[1] === 0x00) {
    const rest = data[2] === 0xdb && data[3] === 0x00 ? data.subarray(4) : data.subarray(2)
    return isAllZero(rest) ? Result.succeed(null) : fail(file, "empty check code followed by data")
  }
  return Result.map(
    fixedObjects(file, data, [
      [0xda, 256],
      [0xdb, 1200]
    ]),
    ([checkCode, field]) => {
      const length = derLength(field!)
      return {
        checkCode: checkCode!,
        certificate: length === undefined ? field! : field!.subarray(0, length)
      } as Signature
    }
  )
}

/**
 * Parses the files that were read into the domain model. A malformed file is a `CardDataError` naming it; a
 * detection or files of the wrong shape (e.g. decoded from a network message) an `InvalidArgumentError`.
 */
export const parse = (
  detection: Detection,
  raw: RawFiles
): Effect.Effect<ResidenceCardGen1, CardDataError | Input.InvalidArgumentError> =>
  Effect.andThen(
    Effect.andThen(
      Input.requireArgument("residence.gen1.parse", "detection", detection, detectionCheck),
      Input.requireFiles("residence.gen1.parse", raw, gen1Files)
    ),
    // Suspended: `Result.gen` runs when built, and must not before the checks passed.
    Effect.suspend(() => parseChecked(detection, raw))
  )

const parseChecked = (detection: Detection, raw: RawFiles): Effect.Effect<ResidenceCardGen1, CardDataError> =>
  Effect.fromResult(
    Result.gen(function* () {
      const cardType = detection.cardType
      if (cardType !== "1" && cardType !== "2")
        return yield* Result.fail(
          new CardDataError({
            step: "residence.gen1.parse",
            field: "cardType",
            detail: "not a first-generation card type"
          })
        )
      const filesRead = gen1Files.filter((f) => raw[f] !== undefined)
      const card: { -readonly [K in keyof ResidenceCardGen1]: ResidenceCardGen1[K] } = {
        generation: 1,
        cardType,
        specVersion: detection.specVersion,
        filesRead,
        raw
      }
      if (raw.frontImage) card.frontImage = yield* parseImage("frontImage", raw.frontImage)
      if (raw.faceImage) {
        // No face image is stored for holders under 16 (§3.3.5, p. 12); what the EF then holds is not specified.
        card.faceImage = isAllZero(raw.faceImage) ? null : yield* parseImage("faceImage", raw.faceImage)
        if (card.faceImage !== null && isAllZero(card.faceImage.data)) card.faceImage = null
      }
      if (raw.address) card.address = yield* parseAddress(raw.address)
      if (raw.comprehensivePermission)
        card.comprehensivePermission = yield* parsePermission("comprehensivePermission", raw.comprehensivePermission)
      if (raw.individualPermission)
        card.individualPermission = yield* parsePermission("individualPermission", raw.individualPermission)
      if (raw.renewalApplication) card.renewalApplication = yield* parseRenewal(raw.renewalApplication)
      if (raw.signature) card.signature = yield* parseSignature(raw.signature)
      return card as ResidenceCardGen1
    })
  )
