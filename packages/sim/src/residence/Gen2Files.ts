/**
 * The contents of the second-generation residence card's elementary files (card types `"05"` 在留カード and `"06"`
 * 特別永住者証明書), byte for byte, and the ECDSA P-384 signature over the printed entries and the images.
 *
 * Source: 第２世代在留カード等仕様書（一般公開用）Ver 1.1 (出入国在留管理庁, 令和8年4月) as summarised by third
 * parties (eringoio/zairyu-card-reader, OSSTech libjeid sample apps); the PDF itself was not at hand. The layout
 * follows `shared/reference/residence-card.md` §4 and §10.2; the field codes follow `shared/reference/codes.md`
 * §2–§7. Where the summaries are silent, the choice made here is marked **[inference]**.
 *
 * - Every data object has a fixed length; a shorter value is padded with `00` inside the value (as in generation
 *   1). The exception is `DD` (certificate): its L is the real certificate length and the `00` padding that fills
 *   DF3/EF01 to 704 bytes lies after the TLV.
 * - Tags are one or two bytes (`DF D1`).
 * - Texts are UTF-8 without BOM.
 *
 * @since 0.1.0
 */
import { concat } from "@jpcard/core/Bytes"
import * as Fixtures from "../fixtures/data.js"
import { parsePrivateKey, signSha256 } from "../internal/Ecdsa.js"
import { encodeLength, zeroPad } from "../internal/Tlv.js"
import { ascii, checkCardNumber, checkPattern, DEFAULT_CARD_NUMBER } from "./Fields.js"

export { DEFAULT_CARD_NUMBER } from "./Fields.js"

export type CardType = "05" | "06"

/** What DF1/EF03 holds in place of the face when the holder was under 1 year old (no face image is stored). */
export interface Under1Options {
  /**
   * `"emptyValue"` (default): the `D1 82 0B B8` header followed by 3000 zeros. `"zeros"`: the whole `D1` object
   * (header included) is zeros. The summaries say only that no face image is stored **[inference]**.
   */
  readonly faceObject?: "emptyValue" | "zeros" | undefined
}

/**
 * The card's printed and recorded contents. Every field has a fictitious default (see `DEFAULTS_05`,
 * `DEFAULTS_06`). A coded field takes any string that fits (so a reader can be tested against unknown codes);
 * `""` stores an all-zero value. Options of the fields a 06 card does not have are rejected on a 06 card.
 */
export interface ContentOptions {
  /** 在留カード等番号 (DF1/EF01 `C2`), 2 upper-case letters, 8 digits, 2 upper-case letters. Default `AB12345678CD`. */
  readonly cardNumber?: string | undefined
  /** MF/EF02 `C1`: `"05"` 在留カード (default) or `"06"` 特別永住者証明書. */
  readonly cardType?: CardType | undefined
  /** MF/EF01 `C0` 仕様バージョン番号, 4 digits. Default `"0001"`. */
  readonly specVersion?: string | undefined

  /** DF1/EF02 `C5` 有効期限 (card valid until), `YYYYMMDD`. */
  readonly expiryDate?: string | undefined
  /** DF1/EF02 `C6` 生年月日, `YYYYMMDD`. */
  readonly dateOfBirth?: string | undefined
  /** DF1/EF02 `C7` 性別, 1 character: `"1"` 男, `"2"` 女, `"3"` 不詳/未指定. */
  readonly sex?: "1" | "2" | "3" | (string & {}) | undefined
  /**
   * DF1/EF02 `C8` 国籍・地域, at most 3 bytes. The ISA code table is not public; real cards appear to use ISO
   * 3166-1 alpha-3 style codes (codes.md §10.1). Default `"VNM"`.
   */
  readonly nationality?: string | undefined
  /** DF1/EF02 `C9` 在留資格, at most 10 bytes, zero padded. The ISA code table is not public (codes.md §0). */
  readonly statusOfResidence?: string | undefined
  /**
   * DF1/EF02 `CE` 在留期間, 4 bytes: `"YYMM"` (years and months, `"0300"` = 3年), `"DDD"` (days, stored as 3
   * digits and one `00` byte) or `"0000"` (無期限).
   */
  readonly periodOfStay?: string | undefined
  /** DF1/EF02 `CA` 許可の種類 (05 only), at most 2 bytes. The ISA code table is not public. */
  readonly permissionType?: string | undefined
  /** DF1/EF02 `CB` 許可年月日 (05 only), `YYYYMMDD`. */
  readonly permissionDate?: string | undefined
  /**
   * DF1/EF02 `CC` 就労制限の有無 (05 only), 1 character: `"1"` 就労制限なし, `"2"` 在留資格に基づく就労活動のみ可,
   * `"4"` 指定書により指定された就労活動のみ可, `"9"` 就労不可.
   */
  readonly workRestriction?: "1" | "2" | "4" | "9" | (string & {}) | undefined
  /** DF1/EF02 `CD` 在留期間の満了日 (05 only), `YYYYMMDD`. */
  readonly periodOfStayExpiry?: string | undefined

  /** DF1/EF03 `D0` name image (TIFF, MMR/CCITT G4), at most 2500 bytes. Default the fixture `residenceGen2NameTiff`. */
  readonly nameImage?: Uint8Array | undefined
  /** DF1/EF03 `D1` face (JPEG 2000, colour), at most 3000 bytes. Default the fixture `residenceGen2FaceJp2`. */
  readonly faceImage?: Uint8Array | undefined
  /** DF1/EF04 `DF D1` address image (TIFF, MMR), at most 2500 bytes. Default the fixture `residenceGen2AddressTiff`. */
  readonly addressImage?: Uint8Array | undefined
  /** A holder under 1 year old: no face image is stored (LIBJEID). Default `false`. */
  readonly under1?: boolean | Under1Options | undefined

  /**
   * DF2/EF01 `D5` 資格外活動許可 包括許可 (05 only; max 7 bytes, 1 written): `"0"` 無し (default), `"1"` 許可
   * (週28時間以内・風俗営業等不可), `"2"` 許可 (週28時間以内・教育等の活動).
   */
  readonly comprehensivePermission?: "0" | "1" | "2" | (string & {}) | undefined
  /**
   * DF2/EF01 `D6` 包括許可の期限 (05 only), `YYYYMMDD`, or `""` for zeros. Default: zeros under `"0"`, otherwise
   * the period-of-stay expiry `CD`.
   */
  readonly comprehensivePermissionExpiry?: string | undefined
  /** DF2/EF01 `D7` 個別許可 (05 only): `true` = `"1"` 有り, `false` = `"0"` 無し (default). */
  readonly individualPermission?: boolean | undefined
  /** DF2/EF02 `D8` 在留期間更新等許可申請 (05 only): `true` = `"1"` 申請中, `false` = `"0"` 無し (default). */
  readonly renewalApplication?: boolean | undefined
  /** DF2 (P1 `83`) `D9` 出入国在留管理庁長官が記録した旨: `true` = `"1"`, `false` = `"0"` (default). */
  readonly commissionerRecord?: boolean | undefined
  /** DF2 (P1 `83`) `DE` 予備, UTF-8 text of at most 200 bytes, zero padded. Default `""`. */
  readonly reserved?: string | undefined

  /** P-384 private key (PKCS#8 or SEC 1 DER) that signs. Default: the fixture `residenceGen2CardKeyPkcs8Der`. */
  readonly signingKey?: Uint8Array | undefined
  /** DER certificate stored in `DD` (at most 602 bytes). Default: the fixture `residenceGen2CardCertDer` (598). */
  readonly certificate?: Uint8Array | undefined
  /** A 96-byte `r ‖ s` stored in `DC` instead of the computed signature (to test a verifier's failure path). */
  readonly signature?: Uint8Array | undefined
}

export interface Gen2Files {
  readonly mf: { readonly ef01: Uint8Array; readonly ef02: Uint8Array }
  /** EF01 card number (P1 `81`), EF02 printed entries (`83`), EF03 name + face (`84`), EF04 address (`86`). */
  readonly df1: {
    readonly ef01: Uint8Array
    readonly ef02: Uint8Array
    readonly ef03: Uint8Array
    readonly ef04: Uint8Array
  }
  /**
   * EF01 資格外活動許可 (P1 `81`) and EF02 申請 (`82`) exist on a 05 card only. `ef03` is the `D9`/`DE` file read
   * with P1 `83` on both card types (SPEC2 calls it EF01 on a 06 card).
   */
  readonly df2: {
    readonly ef01: Uint8Array | undefined
    readonly ef02: Uint8Array | undefined
    readonly ef03: Uint8Array
  }
  readonly df3: { readonly ef01: Uint8Array }
}

export interface Gen2Content {
  readonly cardNumber: string
  readonly cardType: CardType
  readonly files: Gen2Files
  /** The 96-byte `r ‖ s` in `DC`. */
  readonly signature: Uint8Array
  /** The 5553 signed bytes: printed-entry values padded to 53 ‖ `D1` value (3000) ‖ `D0` value (2500). */
  readonly signedData: Uint8Array
}

/** File capacities (reference §4). */
export const Capacity = {
  mfEf01: 6,
  mfEf02: 4,
  df1Ef01: 14,
  df1Ef02: { "05": 73, "06": 46 },
  df1Ef03: 5508,
  df1Ef04: 2505,
  df2Ef01: 22,
  df2Ef02: 3,
  df2Ef03: 207,
  df3Ef01: 704
} as const

/** Printed-entry fields, in file order, with their value lengths. `card05Only` fields are absent on a 06 card. */
export const PrintedEntries = [
  { tag: 0xc5, key: "expiryDate", length: 8, card05Only: false },
  { tag: 0xc6, key: "dateOfBirth", length: 8, card05Only: false },
  { tag: 0xc7, key: "sex", length: 1, card05Only: false },
  { tag: 0xc8, key: "nationality", length: 3, card05Only: false },
  { tag: 0xc9, key: "statusOfResidence", length: 10, card05Only: false },
  { tag: 0xce, key: "periodOfStay", length: 4, card05Only: false },
  { tag: 0xca, key: "permissionType", length: 2, card05Only: true },
  { tag: 0xcb, key: "permissionDate", length: 8, card05Only: true },
  { tag: 0xcc, key: "workRestriction", length: 1, card05Only: true },
  { tag: 0xcd, key: "periodOfStayExpiry", length: 8, card05Only: true }
] as const

type PrintedKey = (typeof PrintedEntries)[number]["key"]

/** Length of the printed-entry values in the signed data (a 06 card's 34 bytes are zero padded to it). */
export const SIGNED_ENTRIES_LENGTH = 53

/**
 * Defaults of a 05 card, for the fixture holder NGUYEN VAN MAU (male, Vietnamese), 住居地 東京都港区港南５丁目５番３０号
 * (in the address image only), with 技術・人文知識・国際業務 for 3 years after an extension granted on 2025-04-01.
 * `statusOfResidence` `"01"` and `permissionType` `"02"` are **fictitious** codes: the ISA tables are given only
 * to vendors (codes.md §0). `nationality` `"VNM"` follows the ISO alpha-3 style that real cards appear to use.
 */
export const DEFAULTS_05: Readonly<Record<PrintedKey, string>> = {
  expiryDate: "20280401",
  dateOfBirth: "19950415",
  sex: "1",
  nationality: "VNM",
  statusOfResidence: "01",
  periodOfStay: "0300",
  permissionType: "02",
  permissionDate: "20250401",
  workRestriction: "2",
  periodOfStayExpiry: "20280401"
}

/**
 * Defaults of a 06 card: the same holder; the card is valid until his birthday 7 years on. A special permanent
 * resident has no 在留資格 and no 在留期間, so `C9` and `CE` are stored empty (all zeros) **[inference]**: what a
 * real 06 card holds there is not known.
 */
export const DEFAULTS_06: Readonly<Record<PrintedKey, string>> = {
  ...DEFAULTS_05,
  expiryDate: "20320415",
  statusOfResidence: "",
  periodOfStay: ""
}

const encoder = new TextEncoder()

const fail = (what: string, message: string): never => {
  throw new RangeError(`${what}: ${message}`)
}

/** `tag ‖ L ‖ value` with a 1- or 2-byte tag and the minimal BER length. */
const tlv = (tag: ReadonlyArray<number>, value: Uint8Array): Uint8Array =>
  concat(Uint8Array.from(tag), encodeLength(value.length), value)

/** `tag ‖ 82 LL LL ‖ value`: the 3-byte length form, even for lengths below 256 (`DE 82 00 C8`, `DD 82 …`). */
const tlvLong = (tag: number, value: Uint8Array): Uint8Array =>
  concat(Uint8Array.of(tag, 0x82, value.length >> 8, value.length & 0xff), value)

/** A text value (UTF-8, no NUL) zero padded to `size` bytes. */
const textValue = (text: string, size: number, what: string): Uint8Array => {
  if (typeof text !== "string") fail(what, "must be a string")
  if (text.includes("\u0000")) fail(what, "NUL characters cannot be stored (00 is the padding)")
  return zeroPad(encoder.encode(text), size, what)
}

const DATE = /^([0-9]{8})?$/
const PERIOD = /^([0-9]{4}|[0-9]{3})?$/

const printedValue = (key: PrintedKey, text: string, size: number): Uint8Array => {
  switch (key) {
    case "expiryDate":
    case "dateOfBirth":
    case "permissionDate":
    case "periodOfStayExpiry":
      return textValue(checkPattern(text, DATE, key), size, key)
    case "periodOfStay":
      return textValue(checkPattern(text, PERIOD, key), size, key)
    default:
      return textValue(text, size, key)
  }
}

const flag = (value: boolean | undefined, what: string): Uint8Array => {
  if (value !== undefined && typeof value !== "boolean") fail(what, "must be a boolean")
  return ascii(value === true ? "1" : "0")
}

/**
 * The signature `DC`: ECDSA P-384 over SHA-256(`entries` zero padded to 53 ‖ `faceValue` ‖ `nameValue`), raw
 * `r ‖ s` (reference §10.2). `entries` are the printed-entry values in file order (53 bytes on a 05 card, 34 on a
 * 06 card); `faceValue` and `nameValue` are the full fixed-length values (3000 and 2500 bytes).
 */
export const signedDataOf = (entries: Uint8Array, faceValue: Uint8Array, nameValue: Uint8Array): Uint8Array =>
  concat(
    zeroPad(entries, SIGNED_ENTRIES_LENGTH, "printed entries"),
    zeroPad(faceValue, 3000, "face value"),
    zeroPad(nameValue, 2500, "name value")
  )

/** Signs `signedDataOf(entries, faceValue, nameValue)` with a P-384 key (PKCS#8 or SEC 1 DER); 96 bytes `r ‖ s`. */
export const sign = (
  signingKey: Uint8Array,
  entries: Uint8Array,
  faceValue: Uint8Array,
  nameValue: Uint8Array
): Uint8Array => signSha256(parsePrivateKey(signingKey), signedDataOf(entries, faceValue, nameValue))

/** Builds every EF of the card from the options, validating them (a `RangeError` names the bad option). */
export const build = (options: ContentOptions = {}): Gen2Content => {
  const cardNumber = checkCardNumber(options.cardNumber ?? DEFAULT_CARD_NUMBER)
  const cardType = options.cardType ?? "05"
  if (cardType !== "05" && cardType !== "06") fail("cardType", `${JSON.stringify(cardType)} is not "05" or "06"`)
  const residence = cardType === "05"
  const specVersion = checkPattern(options.specVersion ?? "0001", /^[0-9]{4}$/, "specVersion")
  const under1: Under1Options | undefined =
    options.under1 === true ? {} : options.under1 === false || options.under1 === undefined ? undefined : options.under1
  if (under1?.faceObject !== undefined && under1.faceObject !== "zeros" && under1.faceObject !== "emptyValue") {
    fail("under1.faceObject", `${JSON.stringify(under1.faceObject)} is not "emptyValue" or "zeros"`)
  }

  if (!residence) {
    const only05 = [
      ...PrintedEntries.filter((field) => field.card05Only).map((field) => field.key),
      "comprehensivePermission",
      "comprehensivePermissionExpiry",
      "individualPermission",
      "renewalApplication"
    ] as const
    for (const key of only05) {
      if (options[key] !== undefined) fail(key, "a 06 card (特別永住者証明書) has no such field")
    }
  }

  // MF
  const mfEf01 = tlv([0xc0], ascii(specVersion))
  const mfEf02 = tlv([0xc1], ascii(cardType))

  // DF1/EF01 card number, EF02 printed entries.
  const df1Ef01 = tlv([0xc2], ascii(cardNumber))
  const defaults = residence ? DEFAULTS_05 : DEFAULTS_06
  const fields = PrintedEntries.filter((field) => residence || !field.card05Only)
  const values = fields.map((field) => printedValue(field.key, options[field.key] ?? defaults[field.key], field.length))
  const df1Ef02 = concat(...fields.map((field, i) => tlv([field.tag], values[i]!)))
  const entries = concat(...values)

  // DF1/EF03 name image ‖ face, EF04 address image.
  const nameValue = zeroPad(options.nameImage ?? Fixtures.residenceGen2NameTiff, 2500, "nameImage")
  if (under1 !== undefined && options.faceImage !== undefined) {
    fail("faceImage", "a card of a holder under 1 year old stores no face image")
  }
  const faceValue =
    under1 === undefined
      ? zeroPad(options.faceImage ?? Fixtures.residenceGen2FaceJp2, 3000, "faceImage")
      : new Uint8Array(3000)
  const faceObject =
    under1 !== undefined && (under1.faceObject ?? "emptyValue") === "zeros"
      ? new Uint8Array(3004)
      : tlv([0xd1], faceValue)
  const df1Ef03 = concat(tlv([0xd0], nameValue), faceObject)
  const addressValue = zeroPad(options.addressImage ?? Fixtures.residenceGen2AddressTiff, 2500, "addressImage")
  const df1Ef04 = tlv([0xdf, 0xd1], addressValue)

  // DF2
  let df2Ef01: Uint8Array | undefined
  let df2Ef02: Uint8Array | undefined
  if (residence) {
    const comprehensive = options.comprehensivePermission ?? "0"
    if (comprehensive === "") fail("comprehensivePermission", "must not be empty")
    const expiry =
      options.comprehensivePermissionExpiry ??
      (comprehensive === "0" ? "" : (options.periodOfStayExpiry ?? DEFAULTS_05.periodOfStayExpiry))
    df2Ef01 = concat(
      tlv([0xd5], textValue(comprehensive, 7, "comprehensivePermission")),
      tlv(
        [0xd6],
        textValue(checkPattern(expiry, DATE, "comprehensivePermissionExpiry"), 8, "comprehensivePermissionExpiry")
      ),
      tlv([0xd7], flag(options.individualPermission, "individualPermission"))
    )
    df2Ef02 = tlv([0xd8], flag(options.renewalApplication, "renewalApplication"))
  }
  const df2Ef03 = concat(
    tlv([0xd9], flag(options.commissionerRecord, "commissionerRecord")),
    tlvLong(0xde, textValue(options.reserved ?? "", 200, "reserved"))
  )

  // DF3: DC 60 ‖ r ‖ s ‖ DD 82 LL LL ‖ certificate, then zeros to 704 bytes.
  const signedData = signedDataOf(entries, faceValue, nameValue)
  let signature: Uint8Array
  if (options.signature !== undefined) {
    if (options.signature.length !== 96) fail("signature", `must be 96 bytes (r ‖ s), got ${options.signature.length}`)
    signature = Uint8Array.from(options.signature)
  } else {
    signature = signSha256(parsePrivateKey(options.signingKey ?? Fixtures.residenceGen2CardKeyPkcs8Der), signedData)
  }
  const certificate = options.certificate ?? Fixtures.residenceGen2CardCertDer
  if (certificate.length === 0 || certificate.length > 602) {
    fail("certificate", `must be 1–602 bytes, got ${certificate.length}`)
  }
  const df3Ef01 = zeroPad(
    concat(tlv([0xdc], signature), tlvLong(0xdd, Uint8Array.from(certificate))),
    Capacity.df3Ef01,
    "certificate"
  )

  const files: Gen2Files = {
    mf: { ef01: mfEf01, ef02: mfEf02 },
    df1: { ef01: df1Ef01, ef02: df1Ef02, ef03: df1Ef03, ef04: df1Ef04 },
    df2: { ef01: df2Ef01, ef02: df2Ef02, ef03: df2Ef03 },
    df3: { ef01: df3Ef01 }
  }
  // Internal consistency: every EF has its capacity.
  const sizes: Array<[Uint8Array | undefined, number, string]> = [
    [mfEf01, Capacity.mfEf01, "MF/EF01"],
    [mfEf02, Capacity.mfEf02, "MF/EF02"],
    [df1Ef01, Capacity.df1Ef01, "DF1/EF01"],
    [df1Ef02, Capacity.df1Ef02[cardType], "DF1/EF02"],
    [df1Ef03, Capacity.df1Ef03, "DF1/EF03"],
    [df1Ef04, Capacity.df1Ef04, "DF1/EF04"],
    [df2Ef01, Capacity.df2Ef01, "DF2/EF01"],
    [df2Ef02, Capacity.df2Ef02, "DF2/EF02"],
    [df2Ef03, Capacity.df2Ef03, "DF2/EF03"],
    [df3Ef01, Capacity.df3Ef01, "DF3/EF01"]
  ]
  for (const [bytes, size, name] of sizes) {
    if (bytes !== undefined && bytes.length !== size) throw new Error(`internal: ${name} is ${bytes.length} bytes`)
  }
  return { cardNumber, cardType, files, signature, signedData }
}
