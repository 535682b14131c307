/**
 * Second-generation residence card ("05") and special permanent resident certificate ("06"): reading the files
 * after AES authentication and decoding every field. Layouts from third-party summaries of the second-generation
 * spec (shared/reference/residence-card.md §4): printed entries are ASCII TLVs decoded with Schema (dates, the
 * residence period, codes through the `CodeTables` service); images are kept as the exact bytes the signature covers.
 *
 * @since 0.1.0
 */
import {
  ApplicationStatus,
  type CodedValue,
  CodeTables,
  CommissionerRecord,
  Permission,
  ResidencePeriod,
  Sex,
  WorkRestriction
} from "@jpcard/codes"
import { Effect, Option, Result, Schema } from "effect"
import * as Input from "../Input.js"
import { type CalendarDate, CalendarDateFromYyyymmdd } from "../schema/CalendarDate.js"
import * as Tlv from "../tlv/Tlv.js"
import { type Detection, detectionCheck } from "./Detect.js"
import { CardDataError } from "./Errors.js"
import { type Gen2File, gen2, gen2AllFiles, gen2Files, gen2Size } from "./Files.js"
import { readEach, readEf, requireReadArguments } from "./ReadEach.js"
import type { SecureSession } from "./Session.js"
import { type CardText, decodeAscii, decodeText, stripNulPadding } from "./Text.js"

export interface ReadOptions {
  /** Which files to read (default: all but the card number, see `Files.gen2Files`). */
  readonly files?: ReadonlyArray<Gen2File>
  readonly onFile?: (file: Gen2File, done: number, total: number) => void
}

export type RawFiles = Partial<Record<Gen2File, Uint8Array>>

const stepOf = (file: Gen2File) => `residence.gen2.read.${file}`

export const plannedFiles = (cardType: Detection["cardType"], options: ReadOptions = {}): ReadonlyArray<Gen2File> => {
  const wanted = new Set(options.files ?? gen2Files)
  return gen2AllFiles.filter((f) => wanted.has(f) && (gen2[f].cardTypes === "both" || cardType === "05"))
}

/** DF1 and DF2 under secure messaging (personal data on a contactless link), DF3 in plain (`ReadEach.readEf`). */
export const readFile = (session: SecureSession, file: Gen2File, cardType: Detection["cardType"]) => {
  const spec = gen2[file]
  return readEf(session, spec.df, { sfi: spec.sfi, size: gen2Size(file, cardType), step: stepOf(file) })
}

export const readFiles = Effect.fn("residence.gen2.readFiles")(function* (
  session: SecureSession,
  detection: Detection,
  options: ReadOptions = {}
) {
  yield* requireReadArguments(
    "residence.gen2.readFiles",
    session,
    detection,
    options,
    Input.arrayOf((f) => gen2AllFiles.includes(f as Gen2File), "an array of second-generation file names")
  )
  const raw: RawFiles = yield* readEach(
    "gen2",
    plannedFiles(detection.cardType, options),
    (file) => gen2[file].df,
    (file) => readFile(session, file, detection.cardType),
    options.onFile
  )
  return raw
})

// ---------------------------------------------------------------------------------------------------------------
// Model

export const CardTypeGen2 = Schema.Literals(["05", "06"])
export type CardTypeGen2 = typeof CardTypeGen2.Type

export interface Image {
  readonly format: "tiff" | "jpeg2000"
  /** The whole fixed-length value, padding included: the bytes the signature covers. */
  readonly data: Uint8Array
}

/** 券面記載事項 (DF1/EF02). Fields marked 在留カード only are absent on a 特別永住者証明書. */
export interface PrintedEntries {
  /** C5 有効期限: the card's expiry. */
  readonly expiresOn: CalendarDate
  /** C6 生年月日. */
  readonly birthDate: CalendarDate
  /** C7 性別. */
  readonly sex: CodedValue.CodedValue
  /** C8 国籍・地域 (the agency's code; labels come from the loaded CodeTables). */
  readonly nationality: CodedValue.CodedValue
  /** C9 在留資格; `null` when none is recorded (a 特別永住者証明書 has no status of residence). */
  readonly statusOfResidence: CodedValue.CodedValue | null
  /** CE 在留期間; `null` when none is recorded. */
  readonly periodOfStay: ResidencePeriod.ResidencePeriod | null
  /** CA 許可の種類 (在留カード only). */
  readonly permissionType?: CodedValue.CodedValue
  /** CB 許可年月日 (在留カード only). */
  readonly permittedOn?: CalendarDate
  /** CC 就労制限の有無 (在留カード only). */
  readonly workRestriction?: CodedValue.CodedValue
  /** CD 在留期間の満了日 (在留カード only). */
  readonly periodOfStayEndsOn?: CalendarDate
  /**
   * The values of the data objects in file order, padded with 00 to 53 bytes: the first part of the data the
   * signature covers (shared/reference/residence-card.md §10.2).
   */
  readonly signedValues: Uint8Array
}

/** 資格外活動許可 (DF2/EF01, 在留カード only). */
export interface ActivityPermission {
  /** D5 包括許可: 0 none, 1 / 2 the two kinds (codes package). */
  readonly comprehensive: CodedValue.CodedValue
  /** D6 包括許可の期限, when set. */
  readonly comprehensiveUntil: CalendarDate | null
  /** D7 個別許可: 0 none, 1 granted. */
  readonly individual: CodedValue.CodedValue
}

export interface OtherEntries {
  /** D9 出入国在留管理庁長官が記録した旨. */
  readonly recordedByCommissioner: CodedValue.CodedValue
  /** DE 予備 free text; `null` when empty. */
  readonly note: CardText | null
}

export interface Signature {
  /** DC: 96 bytes, ECDSA P-384 (raw r‖s or DER, the verifier accepts both). */
  readonly value: Uint8Array
  /** DD: the X.509 certificate, with its real length. */
  readonly certificate: Uint8Array
}

export interface ResidenceCardGen2 {
  readonly generation: 2
  readonly cardType: CardTypeGen2
  readonly specVersion: string
  readonly filesRead: ReadonlyArray<Gen2File>
  /** C2: only when read (`files: ["cardNumber", …]`). */
  readonly cardNumber?: string
  readonly printedEntries?: PrintedEntries
  /** D0 氏名イメージ: TIFF (CCITT G4). */
  readonly nameImage?: Image
  /** D1 顔画像: JPEG 2000; `null` when the card stores none (holders under 1 year). */
  readonly faceImage?: Image | null
  /** DFD1 住居地イメージ: TIFF (CCITT G4). Not covered by the signature. */
  readonly addressImage?: Image
  readonly activityPermission?: ActivityPermission
  readonly renewalApplication?: CodedValue.CodedValue
  readonly otherEntries?: OtherEntries
  readonly signature?: Signature | null
  readonly raw: RawFiles
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

const step = "residence.gen2.parse"
const fail = (field: string, detail: string) => Result.fail(new CardDataError({ step, field, detail }))
const isAllZero = (bytes: Uint8Array) => bytes.every((b) => b === 0)
const hexTag = (tag: number) => tag.toString(16).toUpperCase()

/** Data objects in the given order, each with at most (or exactly) the given length; zero padding after them. */
const objects = (
  file: Gen2File,
  data: Uint8Array,
  expected: number,
  layout: ReadonlyArray<readonly [tag: number, maxLength: number, exact: boolean]>
): Result.Result<ReadonlyArray<Uint8Array>, CardDataError> => {
  if (data.length !== expected) return fail(file, `${data.length} bytes, ${expected} expected`)
  const decoded = Tlv.decodeAllResult(data, { trailing: "zeros" })
  if (Result.isFailure(decoded)) return fail(file, decoded.failure.message)
  const found = decoded.success
  if (found.length !== layout.length)
    return fail(
      file,
      `${found.length} data objects, ${layout.length} expected (${layout.map(([t]) => hexTag(t)).join(" ")})`
    )
  const values: Array<Uint8Array> = []
  for (let i = 0; i < layout.length; i++) {
    const [tag, maxLength, exact] = layout[i]!
    const object = found[i]!
    if (object.tag !== tag) return fail(file, `data object ${hexTag(tag)} expected, found ${hexTag(object.tag)}`)
    if (exact ? object.value.length !== maxLength : object.value.length > maxLength)
      return fail(
        file,
        `data object ${hexTag(tag)} of ${object.value.length} bytes, ${exact ? "" : "at most "}${maxLength} expected`
      )
    values.push(object.value)
  }
  return Result.succeed(values)
}

const ascii = (field: string, bytes: Uint8Array): Result.Result<string, CardDataError> => {
  const text = decodeAscii(stripNulPadding(bytes))
  return text === undefined ? fail(field, "not ASCII") : Result.succeed(text.trimEnd())
}

const date = (field: string, bytes: Uint8Array): Result.Result<CalendarDate, CardDataError> =>
  Result.flatMap(ascii(field, bytes), (text) =>
    Result.mapError(
      Schema.decodeUnknownResult(CalendarDateFromYyyymmdd)(text),
      (e) => new CardDataError({ step, field, detail: e.message })
    )
  )

/** CE 在留期間, or `null` when the card records none (a 特別永住者証明書 has no period of stay). */
const period = (
  field: string,
  bytes: Uint8Array
): Result.Result<ResidencePeriod.ResidencePeriod | null, CardDataError> =>
  Result.flatMap(ascii(field, bytes), (text) =>
    text === ""
      ? Result.succeed(null)
      : Result.mapError(
          Schema.decodeUnknownResult(ResidencePeriod.FromCode)(text),
          // The codes package's issue repeats the value; the error names the field and the expected form only.
          () => new CardDataError({ step, field, detail: "not a period of stay (YYMM, DDD or 0000)" })
        )
  )

const residenceCardEntries = [
  [0xc5, 8, true],
  [0xc6, 8, true],
  [0xc7, 1, true],
  [0xc8, 3, true],
  [0xc9, 10, false],
  [0xce, 4, true],
  [0xca, 2, false],
  [0xcb, 8, true],
  [0xcc, 1, true],
  [0xcd, 8, true]
] as const
// The 06 card's 34 value bytes fit only C5, C6, C7, C8, C9, CE (shared/reference/residence-card.md §4, inference).
const specialPermanentEntries = residenceCardEntries.slice(0, 6)

const SIGNED_ENTRIES_LENGTH = 53

const parsePrintedEntries = (data: Uint8Array, cardType: CardTypeGen2, tables: CodeTables.CodeTablesShape) =>
  Result.gen(function* () {
    const layout = cardType === "05" ? residenceCardEntries : specialPermanentEntries
    const values = yield* objects("printedEntries", data, gen2Size("printedEntries", cardType), layout)
    const code = (i: number, field: string) => ascii(`printedEntries.${field}`, values[i]!)
    const signedValues = new Uint8Array(SIGNED_ENTRIES_LENGTH)
    let offset = 0
    for (const v of values) {
      signedValues.set(v, offset)
      offset += v.length
    }
    const entries: { -readonly [K in keyof PrintedEntries]: PrintedEntries[K] } = {
      expiresOn: yield* date("printedEntries.expiresOn (C5)", values[0]!),
      birthDate: yield* date("printedEntries.birthDate (C6)", values[1]!),
      sex: Sex.decode(yield* code(2, "sex (C7)")),
      nationality: tables.nationality(yield* code(3, "nationality (C8)")),
      statusOfResidence: yield* Result.map(code(4, "statusOfResidence (C9)"), (c) =>
        c === "" ? null : tables.statusOfResidence(c)
      ),
      periodOfStay: yield* period("printedEntries.periodOfStay (CE)", values[5]!),
      signedValues
    }
    if (cardType === "05") {
      entries.permissionType = tables.permissionType(yield* code(6, "permissionType (CA)"))
      entries.permittedOn = yield* date("printedEntries.permittedOn (CB)", values[7]!)
      entries.workRestriction = WorkRestriction.decode(yield* code(8, "workRestriction (CC)"))
      entries.periodOfStayEndsOn = yield* date("printedEntries.periodOfStayEndsOn (CD)", values[9]!)
    }
    return entries as PrintedEntries
  })

const parseNameAndFace = (data: Uint8Array) =>
  Result.map(
    objects("nameAndFace", data, gen2.nameAndFace.size, [
      [0xd0, 2500, true],
      [0xd1, 3000, true]
    ]),
    ([name, face]) => ({
      nameImage: { format: "tiff", data: name! } as Image,
      // No face image for holders under 1 year (shared/reference/residence-card.md §4).
      faceImage: isAllZero(face!) ? null : ({ format: "jpeg2000", data: face! } as Image)
    })
  )

const parseAddressImage = (data: Uint8Array) =>
  Result.map(
    objects("addressImage", data, gen2.addressImage.size, [[0xdfd1, 2500, true]]),
    ([image]) => ({ format: "tiff", data: image! }) as Image
  )

const parsePermissions = (data: Uint8Array) =>
  Result.gen(function* () {
    const [comprehensive, until, individual] = yield* objects("permissions", data, gen2.permissions.size, [
      [0xd5, 7, true],
      [0xd6, 8, true],
      [0xd7, 1, true]
    ])
    const untilText = yield* ascii("permissions.comprehensiveUntil (D6)", until!)
    return {
      comprehensive: Permission.decodeComprehensive(yield* ascii("permissions.comprehensive (D5)", comprehensive!)),
      comprehensiveUntil:
        untilText === "" || /^0+$/.test(untilText) ? null : yield* date("permissions.comprehensiveUntil (D6)", until!),
      individual: Permission.decodeIndividual(yield* ascii("permissions.individual (D7)", individual!))
    } as ActivityPermission
  })

const parseOtherEntries = (data: Uint8Array) =>
  Result.gen(function* () {
    const [flag, note] = yield* objects("otherEntries", data, gen2.otherEntries.size, [
      [0xd9, 1, true],
      [0xde, 200, false]
    ])
    const text = decodeText(note!)
    if (Result.isFailure(text)) return yield* fail("otherEntries.note (DE)", "text is neither UTF-8 nor Shift_JIS")
    return {
      recordedByCommissioner: CommissionerRecord.decode(
        yield* ascii("otherEntries.recordedByCommissioner (D9)", flag!)
      ),
      note: text.success.text === "" ? null : text.success
    } as OtherEntries
  })

const parseSignature = (data: Uint8Array): Result.Result<Signature | null, CardDataError> => {
  if (data.length !== gen2.signature.size)
    return fail("signature", `${data.length} bytes, ${gen2.signature.size} expected`)
  if (isAllZero(data)) return Result.succeed(null)
  // DD carries the certificate's real length; the zero padding lies after the TLV (§4, DF3/EF01).
  return Result.map(
    objects("signature", data, gen2.signature.size, [
      [0xdc, 96, true],
      [0xdd, 602, false]
    ]),
    ([value, certificate]) => ({ value: value!, certificate: certificate! })
  )
}

const parseCardNumber = (data: Uint8Array) =>
  Result.flatMap(objects("cardNumber", data, gen2.cardNumber.size, [[0xc2, 12, true]]), ([value]) =>
    ascii("cardNumber (C2)", value!)
  )

/**
 * Parses the files that were read. Codes are labelled through the `CodeTables` service when one is provided (e.g. an
 * official table a licensed user loaded), else through the public tables; an unknown code never fails: it comes back
 * raw. A malformed field is a `CardDataError` naming it, never its value.
 */
export const parse = (
  detection: Detection,
  raw: RawFiles
): Effect.Effect<ResidenceCardGen2, CardDataError | Input.InvalidArgumentError> =>
  Effect.gen(function* () {
    // A detection or files of the wrong shape (decoded from a network message, …): a typed error, never a TypeError.
    yield* Input.requireArgument("residence.gen2.parse", "detection", detection, detectionCheck)
    yield* Input.requireFiles("residence.gen2.parse", raw, gen2AllFiles)
    const provided = yield* Effect.serviceOption(CodeTables.CodeTables)
    const tables = Option.getOrElse(provided, CodeTables.makePublic)
    return yield* Effect.fromResult(
      Result.gen(function* () {
        const cardType = detection.cardType
        if (cardType !== "05" && cardType !== "06") return yield* fail("cardType", "not a second-generation card type")
        const card: { -readonly [K in keyof ResidenceCardGen2]: ResidenceCardGen2[K] } = {
          generation: 2,
          cardType,
          specVersion: detection.specVersion,
          filesRead: gen2AllFiles.filter((f) => raw[f] !== undefined),
          raw
        }
        if (raw.cardNumber) card.cardNumber = yield* parseCardNumber(raw.cardNumber)
        if (raw.printedEntries) card.printedEntries = yield* parsePrintedEntries(raw.printedEntries, cardType, tables)
        if (raw.nameAndFace) {
          const { nameImage, faceImage } = yield* parseNameAndFace(raw.nameAndFace)
          card.nameImage = nameImage
          card.faceImage = faceImage
        }
        if (raw.addressImage) card.addressImage = yield* parseAddressImage(raw.addressImage)
        if (raw.permissions) card.activityPermission = yield* parsePermissions(raw.permissions)
        if (raw.renewalApplication) {
          const [flag] = yield* objects("renewalApplication", raw.renewalApplication, gen2.renewalApplication.size, [
            [0xd8, 1, true]
          ])
          card.renewalApplication = ApplicationStatus.decode(yield* ascii("renewalApplication (D8)", flag!))
        }
        if (raw.otherEntries) card.otherEntries = yield* parseOtherEntries(raw.otherEntries)
        if (raw.signature) card.signature = yield* parseSignature(raw.signature)
        return card as ResidenceCardGen2
      })
    )
  })
