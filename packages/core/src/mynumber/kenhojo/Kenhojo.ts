/**
 * 券面事項入力補助AP (kenhojo, AID `D3921000310001010408`): the My Number and the basic four information (name,
 * address, birth date, sex) as text, their integrity record and the application's card-verifiable certificate.
 * shared/reference/mynumber-card.md §3.2, §7.1–§7.4, §8.1, §8.2.
 *
 * What opens what: the 4-digit PIN opens everything; 照合番号A the My Number and the integrity record; 照合番号B the
 * basic four information and the integrity record; the certificate is free.
 *
 * @since 0.1.0
 */
import { Effect, Redacted, Result } from "effect"
import { copy } from "../../Bytes.js"
import type { CalendarDate } from "../../schema/CalendarDate.js"
import type * as Tlv from "../../tlv/Tlv.js"
import type { Credential } from "../Applications.js"
import * as Credentials from "../Credentials.js"
import { CardDataError, InvalidCredentialError } from "../Errors.js"
import { MyNumber, VerificationNumberB } from "../Pin.js"
import * as PinGuard from "../PinGuard.js"
import { readItems, selectApplication, tlvFileStep } from "../Read.js"
import {
  ascii,
  type CardVerifiableCertificate,
  children,
  date,
  parseCvc,
  required,
  type Sex,
  type SexCode,
  sexCode,
  sexOf,
  uint16Offsets,
  utf8
} from "../Records.js"

export const files = {
  myNumber: 0x0001,
  basicInfo: 0x0002,
  integrityRecord: 0x0003,
  certificate: 0x0004
} as const

export type Item = keyof typeof files
export const items: ReadonlyArray<Item> = ["myNumber", "basicInfo", "integrityRecord", "certificate"]

type KenhojoCredentialName = "kenhojo.pin" | "kenhojo.verificationNumberA" | "kenhojo.verificationNumberB"

/** What each credential opens (§3.2, MC measured); the certificate needs none. */
export const opens: Record<KenhojoCredentialName, ReadonlyArray<Item>> = {
  "kenhojo.pin": ["myNumber", "basicInfo", "integrityRecord", "certificate"],
  "kenhojo.verificationNumberA": ["myNumber", "integrityRecord", "certificate"],
  "kenhojo.verificationNumberB": ["basicInfo", "integrityRecord", "certificate"]
}

export type MyNumberCredential = Credentials.WithPin | Credentials.WithVerificationNumberA
export type BasicInfoCredential = Credentials.WithPin | Credentials.WithVerificationNumberB
export type KenhojoCredential =
  | Credentials.WithPin
  | Credentials.WithVerificationNumberA
  | Credentials.WithVerificationNumberB

/** Validates the credential (before any APDU) and names its key reference. */
export const resolve = (credential: KenhojoCredential): Result.Result<Credentials.Resolved, InvalidCredentialError> => {
  if (Credentials.has(credential, "pin")) return Credentials.pin("kenhojo.pin", credential.pin)
  if (Credentials.has(credential, "verificationNumberA"))
    return Credentials.verificationNumberA("kenhojo.verificationNumberA", credential.verificationNumberA)
  if (
    Credentials.has(credential, "verificationNumberB") &&
    credential.verificationNumberB instanceof VerificationNumberB
  )
    return Result.succeed({ credential: "kenhojo.verificationNumberB", secret: credential.verificationNumberB })
  return Result.fail(
    new InvalidCredentialError({
      input: Credentials.has(credential, "verificationNumberB") ? "verificationNumberB" : "pin4",
      reason: "Format"
    })
  )
}

// ---------------------------------------------------------------------------------------------------------------
// Results

export interface MyNumberRecord {
  readonly myNumber: MyNumber
  /**
   * EF0001 as read, filler included (17 bytes): the integrity record's DF31 digest covers exactly these bytes.
   * Redacted, as it holds the My Number.
   */
  readonly raw: Redacted.Redacted<Uint8Array>
}

export interface BasicInfo {
  /** 氏名, family and given name separated by U+3000. */
  readonly name: string
  /** 住所. */
  readonly address: string
  /** 生年月日, Gregorian. */
  readonly birthDate: CalendarDate
  readonly sex: Sex
  readonly sexCode: SexCode
  /** DF21: the offsets of DF22–DF25 from the start of the file, as the card states them. */
  readonly offsets: ReadonlyArray<number>
  /** EF0002 as read (the integrity record's DF32 digest covers DF22 to the end of the FF20 value). */
  readonly raw: Uint8Array
}

export interface IntegrityRecord {
  /**
   * DF31: SHA-256 of EF0001 as stored. Redacted: trying every 12-digit number against it finds the My Number in
   * seconds.
   */
  readonly myNumberDigest: Redacted.Redacted<Uint8Array>
  /** DF32: SHA-256 of EF0002 from the DF22 tag to the end of the FF20 value. */
  readonly basicInfoDigest: Uint8Array
  /** DF33: RSA PKCS#1 v1.5 SHA-256 signature over the DF31 and DF32 objects as written, by the EF0004 key. */
  readonly signature: Uint8Array
  /** EF0003 as read; redacted for the same reason as `myNumberDigest`. */
  readonly raw: Redacted.Redacted<Uint8Array>
}

export interface KenhojoData {
  readonly myNumber?: MyNumberRecord
  readonly basicInfo?: BasicInfo
  readonly integrityRecord?: IntegrityRecord
  readonly certificate?: CardVerifiableCertificate
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

const at = (step: string, field: string) => ({ step, field })

export const parseMyNumber = (
  raw: Uint8Array,
  value: Uint8Array,
  step: string
): Result.Result<MyNumberRecord, CardDataError> =>
  // Exactly 12 printable ASCII bytes leave `MyNumber.parseResult` nothing to normalise (no full-width digit, no room
  // for a space or a hyphen): it accepts 12 digits ending in the check digit and nothing else, in one check.
  Result.mapBoth(MyNumber.parseResult((value.length === 12 ? ascii(value) : undefined) ?? ""), {
    onFailure: () =>
      new CardDataError({
        ...at(step, "kenhojo EF0001 FF10 (My Number)"),
        detail: "not 12 digits ending in the check digit"
      }),
    onSuccess: (myNumber): MyNumberRecord => ({ myNumber, raw: Redacted.make(copy(raw)) })
  })

export const parseBasicInfo = (
  raw: Uint8Array,
  object: Tlv.Tlv,
  step: string
): Result.Result<BasicInfo, CardDataError> =>
  Result.gen(function* () {
    const file = "kenhojo EF0002"
    const fields = yield* children(object, at(step, `${file} FF20`))
    const offsetsAt = at(step, `${file} DF21 (offsets)`)
    const offsets = yield* uint16Offsets((yield* required(fields, 0xdf21, offsetsAt, 8)).value, offsetsAt)
    const name = yield* utf8(
      (yield* required(fields, 0xdf22, at(step, `${file} DF22 (name)`))).value,
      at(step, `${file} DF22 (name)`)
    )
    const address = yield* utf8(
      (yield* required(fields, 0xdf23, at(step, `${file} DF23 (address)`))).value,
      at(step, `${file} DF23 (address)`)
    )
    const birthDate = yield* date(
      (yield* required(fields, 0xdf24, at(step, `${file} DF24 (birth date)`), 8)).value,
      at(step, `${file} DF24 (birth date)`)
    )
    const code = yield* sexCode(
      (yield* required(fields, 0xdf25, at(step, `${file} DF25 (sex)`), 1)).value,
      at(step, `${file} DF25 (sex)`)
    )
    return { name, address, birthDate, sex: sexOf(code), sexCode: code, offsets, raw }
  })

export const parseIntegrityRecord = (
  raw: Uint8Array,
  object: Tlv.Tlv,
  step: string
): Result.Result<IntegrityRecord, CardDataError> =>
  Result.gen(function* () {
    const file = "kenhojo EF0003"
    const fields = yield* children(object, at(step, `${file} FF30`))
    const myNumberDigest = yield* required(fields, 0xdf31, at(step, `${file} DF31`), 32)
    const basicInfoDigest = yield* required(fields, 0xdf32, at(step, `${file} DF32`), 32)
    const signature = yield* required(fields, 0xdf33, at(step, `${file} DF33`))
    return {
      myNumberDigest: Redacted.make(copy(myNumberDigest.value)),
      // Copies: the record's buffer (reachable through `.buffer`) holds DF31.
      basicInfoDigest: copy(basicInfoDigest.value),
      signature: copy(signature.value),
      raw: Redacted.make(raw)
    }
  })

// ---------------------------------------------------------------------------------------------------------------
// Steps on the selected application (after the VERIFY the file needs)

/** SELECT the kenhojo application (`6A 82`: `NotMyNumberCardError`). */
export const select = () => selectApplication("kenhojo")

/** EF0001: `FF10 0C` + 12 digits + filler. Needs the PIN or 照合番号A. */
export const readMyNumberFile = tlvFileStep({
  application: "kenhojo",
  item: "myNumber",
  fid: files.myNumber,
  tag: 0xff10,
  parse: (raw, object, step) => parseMyNumber(raw, object.value, step)
})

/** EF0002: the basic four information. Needs the PIN or 照合番号B. */
export const readBasicInfoFile = tlvFileStep({
  application: "kenhojo",
  item: "basicInfo",
  fid: files.basicInfo,
  tag: 0xff20,
  parse: parseBasicInfo
})

/** EF0003: the integrity record. Needs the PIN, 照合番号A or B. */
export const readIntegrityRecordFile = tlvFileStep({
  application: "kenhojo",
  item: "integrityRecord",
  fid: files.integrityRecord,
  tag: 0xff30,
  parse: parseIntegrityRecord
})

/** EF0004: the application's card-verifiable certificate. Free. */
export const readCertificateFile = tlvFileStep({
  application: "kenhojo",
  item: "certificate",
  fid: files.certificate,
  tag: 0x7f21,
  parse: (raw, object, step) => parseCvc(raw, object, at(step, "kenhojo EF0004 7F21"))
})

/** The step that reads each item. */
const fileSteps = {
  myNumber: readMyNumberFile,
  basicInfo: readBasicInfoFile,
  integrityRecord: readIntegrityRecordFile,
  certificate: readCertificateFile
}

// ---------------------------------------------------------------------------------------------------------------
// Whole reads: SELECT, one guarded VERIFY, the files

export interface ReadOptions extends PinGuard.VerifyOptions {
  /** What to read (default: everything the credential opens), in this order: myNumber, basicInfo, integrity, CVC. */
  readonly items?: ReadonlyArray<Item> | undefined
}

/**
 * Reads the chosen items with one guarded VERIFY: validate the credential and the items (before any APDU), SELECT
 * the application, VERIFY behind the PIN guard, read each file.
 */
export const read = Effect.fn("mynumber.kenhojo.read")(function* (
  credential: KenhojoCredential,
  options: ReadOptions = {}
) {
  const data: KenhojoData = yield* readItems(
    "kenhojo",
    resolve(credential),
    { order: items, opens, steps: fileSteps },
    options
  )
  return data
})

/** The My Number (§8.1): SELECT, guarded VERIFY of the PIN or 照合番号A, SELECT EF0001, one READ BINARY. */
export const readMyNumber = Effect.fn("mynumber.kenhojo.readMyNumber")(function* (
  credential: MyNumberCredential,
  options: PinGuard.VerifyOptions = {}
) {
  yield* PinGuard.requireVerifyOptions("mynumber.kenhojo.readMyNumber", options)
  const data = yield* read(credential, { ...options, items: ["myNumber"] })
  return data.myNumber!
})

/**
 * The basic four information (§8.2): SELECT, guarded VERIFY of the PIN or 照合番号B, SELECT EF0002, READ BINARY (one
 * APDU when the file fits the first read).
 */
export const readBasicInfo = Effect.fn("mynumber.kenhojo.readBasicInfo")(function* (
  credential: BasicInfoCredential,
  options: PinGuard.VerifyOptions = {}
) {
  yield* PinGuard.requireVerifyOptions("mynumber.kenhojo.readBasicInfo", options)
  const data = yield* read(credential, { ...options, items: ["basicInfo"] })
  return data.basicInfo!
})

/** The integrity record (EF0003), with any of the three credentials. */
export const readIntegrityRecord = Effect.fn("mynumber.kenhojo.readIntegrityRecord")(function* (
  credential: KenhojoCredential,
  options: PinGuard.VerifyOptions = {}
) {
  yield* PinGuard.requireVerifyOptions("mynumber.kenhojo.readIntegrityRecord", options)
  const data = yield* read(credential, { ...options, items: ["integrityRecord"] })
  return data.integrityRecord!
})

/** The application's card-verifiable certificate (EF0004): no credential. */
export const readCertificate = Effect.fn("mynumber.kenhojo.readCertificate")(function* () {
  yield* select()
  return yield* readCertificateFile()
})

/** The tries left of the PIN, 照合番号A and 照合番号B, consuming none. */
export const readPinStatus = Effect.fn("mynumber.kenhojo.readPinStatus")(function* () {
  yield* select()
  const out: Array<PinGuard.PinStatus> = []
  for (const credential of Object.keys(opens) as ReadonlyArray<Credential>) out.push(yield* PinGuard.status(credential))
  return out
})
