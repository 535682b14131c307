/**
 * 券面事項確認AP (kenkaku, AID `D3921000310001010402`): the card face as data and images (birth date, sex, name and
 * address images, photo, signature, expiry, security-code image), the My Number image, the age record and the
 * application's card-verifiable certificate. shared/reference/mynumber-card.md §3.3, §7.5, §8.6.
 *
 * What opens what (MC, measured): 照合番号A opens the card face and the My Number image; 照合番号B the card face; the
 * birth date key only the age record; the certificate is free.
 *
 * @since 0.1.0
 */
import { Effect, Redacted, Result } from "effect"
import { copy } from "../../Bytes.js"
import type { CalendarDate } from "../../schema/CalendarDate.js"
import type * as Tlv from "../../tlv/Tlv.js"
import type { Credential } from "../Applications.js"
import * as Credentials from "../Credentials.js"
import { type CardDataError, InvalidCredentialError } from "../Errors.js"
import { BirthDateKey, VerificationNumberB } from "../Pin.js"
import * as PinGuard from "../PinGuard.js"
import { readItems, selectApplication, tlvFileStep } from "../Read.js"
import {
  type CardVerifiableCertificate,
  children,
  date,
  encodedAll,
  parseCvc,
  required,
  type Sex,
  type SexCode,
  sexCode,
  sexOf,
  uint16Offsets
} from "../Records.js"

export const files = {
  ageRecord: 0x0001,
  cardFace: 0x0002,
  certificate: 0x0004,
  myNumberImage: 0x0005
} as const

export type Item = keyof typeof files
/** Reading order. */
export const items: ReadonlyArray<Item> = ["cardFace", "myNumberImage", "ageRecord", "certificate"]

type KenkakuCredentialName = "kenkaku.verificationNumberA" | "kenkaku.verificationNumberB" | "kenkaku.birthDateKey"

/** What each credential opens (§3.3); the certificate needs none. */
export const opens: Record<KenkakuCredentialName, ReadonlyArray<Item>> = {
  "kenkaku.verificationNumberA": ["cardFace", "myNumberImage", "certificate"],
  "kenkaku.verificationNumberB": ["cardFace", "certificate"],
  "kenkaku.birthDateKey": ["ageRecord", "certificate"]
}

export type CardFaceCredential = Credentials.WithVerificationNumberA | Credentials.WithVerificationNumberB
export type KenkakuCredential =
  | Credentials.WithVerificationNumberA
  | Credentials.WithVerificationNumberB
  | Credentials.WithBirthDateKey

/** Validates the credential (before any APDU) and names its key reference. */
export const resolve = (credential: KenkakuCredential): Result.Result<Credentials.Resolved, InvalidCredentialError> => {
  if (Credentials.has(credential, "verificationNumberA"))
    return Credentials.verificationNumberA("kenkaku.verificationNumberA", credential.verificationNumberA)
  if (
    Credentials.has(credential, "verificationNumberB") &&
    credential.verificationNumberB instanceof VerificationNumberB
  )
    return Result.succeed({ credential: "kenkaku.verificationNumberB", secret: credential.verificationNumberB })
  if (Credentials.has(credential, "birthDateKey") && credential.birthDateKey instanceof BirthDateKey)
    return Result.succeed({ credential: "kenkaku.birthDateKey", secret: credential.birthDateKey })
  return Result.fail(
    new InvalidCredentialError({
      input: Credentials.has(credential, "birthDateKey") ? "birthDateKey" : "verificationNumberB",
      reason: "Format"
    })
  )
}

// ---------------------------------------------------------------------------------------------------------------
// Results

/** EF0002, the card face (§7.5). Images as stored; DF29 and DF2A are not covered by the signature. */
export interface CardFace {
  /** DF22 生年月日, Gregorian. */
  readonly birthDate: CalendarDate
  /** DF23 性別. */
  readonly sex: Sex
  readonly sexCode: SexCode
  /** DF24: the card's own public key (`90` exponent, `91` modulus), for challenges; it does not verify the records. */
  readonly cardPublicKey: Uint8Array
  /** DF25: the name as printed, PNG (1 bit). */
  readonly nameImage: Uint8Array
  /** DF26: the address as printed, PNG (1 bit). */
  readonly addressImage: Uint8Array
  /** DF27: the photo, JPEG 2000 (JP2, greyscale). */
  readonly photo: Uint8Array
  /** DF28: signature by the EF0004 key over the triple digest of DF22–DF27 (§9). */
  readonly signature: Uint8Array
  /** DF29 有効期限, Gregorian (unsigned). */
  readonly expiry: CalendarDate
  /** DF2A: the security code as printed, PNG (unsigned). */
  readonly securityCodeImage: Uint8Array
  /** DF21: offsets as the card states them. */
  readonly offsets: ReadonlyArray<number>
  /**
   * The signed objects as written (tag, length, value), for the triple digest: `H1 = SHA-256(birthSexKey)`,
   * `H2 = SHA-256(nameAddress)`, `H3 = SHA-256(photo)`.
   */
  readonly signedParts: {
    readonly birthSexKey: Uint8Array
    readonly nameAddress: Uint8Array
    readonly photo: Uint8Array
  }
  /** EF0002 as read. */
  readonly raw: Uint8Array
}

/** EF0005, the My Number as an image (§7.5). Redacted: it shows the My Number. */
export interface MyNumberImage {
  /** DF41: PNG (1 bit) of the 12 digits. */
  readonly image: Redacted.Redacted<Uint8Array>
  /** DF42: the card's public key. */
  readonly cardPublicKey: Uint8Array
  /** DF43: signature by the EF0004 key over the DF41 and DF42 objects as written. */
  readonly signature: Uint8Array
  readonly raw: Redacted.Redacted<Uint8Array>
}

/** EF0001, the age record (§7.5). */
export interface AgeRecord {
  /** DF11 生年月日, Gregorian. */
  readonly birthDate: CalendarDate
  /** DF12: the card's public key. */
  readonly cardPublicKey: Uint8Array
  /** DF13: signature by the EF0004 key over the DF11 and DF12 objects as written. */
  readonly signature: Uint8Array
  readonly raw: Uint8Array
}

export interface KenkakuData {
  readonly cardFace?: CardFace
  readonly myNumberImage?: MyNumberImage
  readonly ageRecord?: AgeRecord
  readonly certificate?: CardVerifiableCertificate
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

const at = (step: string, field: string) => ({ step, field })

export const parseCardFace = (raw: Uint8Array, object: Tlv.Tlv, step: string): Result.Result<CardFace, CardDataError> =>
  Result.gen(function* () {
    const file = "kenkaku EF0002"
    const fields = yield* children(object, at(step, `${file} FF20`))
    const get = (tag: number, what: string, length?: number) =>
      required(fields, tag, at(step, `${file} ${tag.toString(16).toUpperCase()} (${what})`), length)
    const offsets = yield* uint16Offsets((yield* get(0xdf21, "offsets")).value, at(step, `${file} DF21 (offsets)`))
    const birth = yield* get(0xdf22, "birth date", 8)
    const sex = yield* get(0xdf23, "sex", 1)
    const key = yield* get(0xdf24, "card public key")
    const name = yield* get(0xdf25, "name image")
    const address = yield* get(0xdf26, "address image")
    const photo = yield* get(0xdf27, "photo")
    const signature = yield* get(0xdf28, "signature")
    const expiry = yield* get(0xdf29, "expiry", 8)
    const securityCode = yield* get(0xdf2a, "security code image")
    const code = yield* sexCode(sex.value, at(step, `${file} DF23 (sex)`))
    // Children's start and end are offsets in the FF20 value: the signed parts are cut from it.
    const value = object.value
    return {
      birthDate: yield* date(birth.value, at(step, `${file} DF22 (birth date)`)),
      sex: sexOf(code),
      sexCode: code,
      cardPublicKey: key.value,
      nameImage: name.value,
      addressImage: address.value,
      photo: photo.value,
      signature: signature.value,
      expiry: yield* date(expiry.value, at(step, `${file} DF29 (expiry)`)),
      securityCodeImage: securityCode.value,
      offsets,
      signedParts: {
        birthSexKey: encodedAll(value, [birth, sex, key]),
        nameAddress: encodedAll(value, [name, address]),
        photo: encodedAll(value, [photo])
      },
      raw
    }
  })

export const parseMyNumberImage = (
  raw: Uint8Array,
  object: Tlv.Tlv,
  step: string
): Result.Result<MyNumberImage, CardDataError> =>
  Result.gen(function* () {
    const file = "kenkaku EF0005"
    const fields = yield* children(object, at(step, `${file} FF40`))
    const image = yield* required(fields, 0xdf41, at(step, `${file} DF41 (My Number image)`))
    const key = yield* required(fields, 0xdf42, at(step, `${file} DF42 (card public key)`))
    const signature = yield* required(fields, 0xdf43, at(step, `${file} DF43 (signature)`))
    return {
      image: Redacted.make(copy(image.value)),
      // Copies: the record's buffer (reachable through `.buffer`) holds the image.
      cardPublicKey: copy(key.value),
      signature: copy(signature.value),
      raw: Redacted.make(raw)
    }
  })

export const parseAgeRecord = (
  raw: Uint8Array,
  object: Tlv.Tlv,
  step: string
): Result.Result<AgeRecord, CardDataError> =>
  Result.gen(function* () {
    const file = "kenkaku EF0001"
    const fields = yield* children(object, at(step, `${file} FF10`))
    const birth = yield* required(fields, 0xdf11, at(step, `${file} DF11 (birth date)`), 8)
    const key = yield* required(fields, 0xdf12, at(step, `${file} DF12 (card public key)`))
    const signature = yield* required(fields, 0xdf13, at(step, `${file} DF13 (signature)`))
    return {
      birthDate: yield* date(birth.value, at(step, `${file} DF11 (birth date)`)),
      cardPublicKey: key.value,
      signature: signature.value,
      raw
    }
  })

// ---------------------------------------------------------------------------------------------------------------
// Steps on the selected application (after the VERIFY the file needs)

/** SELECT the kenkaku application (`6A 82`: `NotMyNumberCardError`). */
export const select = () => selectApplication("kenkaku")

/** EF0002, the card face. Needs 照合番号A or B. */
export const readCardFaceFile = tlvFileStep({
  application: "kenkaku",
  item: "cardFace",
  fid: files.cardFace,
  tag: 0xff20,
  parse: parseCardFace
})

/** EF0005, the My Number image. Needs 照合番号A. */
export const readMyNumberImageFile = tlvFileStep({
  application: "kenkaku",
  item: "myNumberImage",
  fid: files.myNumberImage,
  tag: 0xff40,
  parse: parseMyNumberImage
})

/** EF0001, the age record. Needs the birth date key. */
export const readAgeRecordFile = tlvFileStep({
  application: "kenkaku",
  item: "ageRecord",
  fid: files.ageRecord,
  tag: 0xff10,
  parse: parseAgeRecord
})

/** EF0004, the application's card-verifiable certificate. Free. */
export const readCertificateFile = tlvFileStep({
  application: "kenkaku",
  item: "certificate",
  fid: files.certificate,
  tag: 0x7f21,
  parse: (raw, object, step) => parseCvc(raw, object, at(step, "kenkaku EF0004 7F21"))
})

/** The step that reads each item. */
const fileSteps = {
  cardFace: readCardFaceFile,
  myNumberImage: readMyNumberImageFile,
  ageRecord: readAgeRecordFile,
  certificate: readCertificateFile
}

// ---------------------------------------------------------------------------------------------------------------
// Whole reads

export interface ReadOptions extends PinGuard.VerifyOptions {
  /** What to read (default: everything the credential opens), in the order of `items`. */
  readonly items?: ReadonlyArray<Item> | undefined
}

/** Reads the chosen items with one guarded VERIFY (credential and items validated before any APDU). */
export const read = Effect.fn("mynumber.kenkaku.read")(function* (
  credential: KenkakuCredential,
  options: ReadOptions = {}
) {
  const data: KenkakuData = yield* readItems(
    "kenkaku",
    resolve(credential),
    { order: items, opens, steps: fileSteps },
    options
  )
  return data
})

/**
 * The card face (§8.6): SELECT, guarded VERIFY of 照合番号A or B, SELECT EF0002, then one extended READ BINARY where
 * the link allows, else the fewest 256-byte reads (the length comes from the first chunk's header).
 */
export const readCardFace = Effect.fn("mynumber.kenkaku.readCardFace")(function* (
  credential: CardFaceCredential,
  options: PinGuard.VerifyOptions = {}
) {
  yield* PinGuard.requireVerifyOptions("mynumber.kenkaku.readCardFace", options)
  const data = yield* read(credential, { ...options, items: ["cardFace"] })
  return data.cardFace!
})

/** The My Number image (EF0005), with 照合番号A. */
export const readMyNumberImage = Effect.fn("mynumber.kenkaku.readMyNumberImage")(function* (
  credential: Credentials.WithVerificationNumberA,
  options: PinGuard.VerifyOptions = {}
) {
  yield* PinGuard.requireVerifyOptions("mynumber.kenkaku.readMyNumberImage", options)
  const data = yield* read(credential, { ...options, items: ["myNumberImage"] })
  return data.myNumberImage!
})

/** The age record (EF0001), with the birth date key. */
export const readAgeRecord = Effect.fn("mynumber.kenkaku.readAgeRecord")(function* (
  credential: Credentials.WithBirthDateKey,
  options: PinGuard.VerifyOptions = {}
) {
  yield* PinGuard.requireVerifyOptions("mynumber.kenkaku.readAgeRecord", options)
  const data = yield* read(credential, { ...options, items: ["ageRecord"] })
  return data.ageRecord!
})

/** The application's card-verifiable certificate (EF0004): no credential. */
export const readCertificate = Effect.fn("mynumber.kenkaku.readCertificate")(function* () {
  yield* select()
  return yield* readCertificateFile()
})

/** The tries left of 照合番号A, 照合番号B and the birth date key, consuming none. */
export const readPinStatus = Effect.fn("mynumber.kenkaku.readPinStatus")(function* () {
  yield* select()
  const out: Array<PinGuard.PinStatus> = []
  for (const credential of Object.keys(opens) as ReadonlyArray<Credential>) out.push(yield* PinGuard.status(credential))
  return out
})
