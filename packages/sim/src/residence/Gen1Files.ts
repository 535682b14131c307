/**
 * The contents of the first-generation residence card's elementary files, byte for byte (在留カード等仕様書 Ver 1.5
 * §3.3.1 表3-1/表3-2, p. 8; §3.3.4.1–3.3.4.9, pp. 10–12; §3.3.5, p. 12), and the check code over the front image
 * and the face (§3.4.3.1, 図3-4, p. 14).
 *
 * Every data object is fixed length and zero padded inside its value. Texts are UTF-8 without BOM (§3.3.4, p. 10).
 *
 * @since 0.1.0
 */
import { sha256 } from "@jpcard/core/crypto"
import * as Fixtures from "../fixtures/data.js"
import { emsaPkcs1v15, parsePrivateKey, SHA256_DIGEST_INFO_PREFIX, signEncoded } from "../internal/Rsa.js"
import { tlv, zeroPad } from "../internal/Tlv.js"
import { ascii, checkCardNumber, checkPattern, DEFAULT_CARD_NUMBER } from "./Fields.js"

export { DEFAULT_CARD_NUMBER } from "./Fields.js"

/** What DF1/EF02 and DF3/EF01 hold on a card issued to a holder under 16 (§3.3.5, p. 12). */
export interface Under16Options {
  /**
   * DF3/EF01: footnote *1, `DA 00 DB 00` then `00` fill (`"DA00DB00"`, the default), or footnote *2, `DA 00` then
   * `00` fill (`"DA00"`). The spec gives both.
   */
  readonly signatureFile?: "DA00DB00" | "DA00" | undefined
  /**
   * DF1/EF02 (3004 bytes). The spec says the face image is "not stored" but not what the EF then holds: all zeros
   * (`"zeros"`, the default) or the `D1 82 0B B8` header followed by 3000 zeros (`"emptyValue"`).
   */
  readonly faceFile?: "zeros" | "emptyValue" | undefined
}

/** The card's printed and recorded contents. Every field has a fictitious default. */
export interface ContentOptions {
  /** 在留カード等番号, 12 characters: 2 upper-case letters, 8 digits, 2 upper-case letters. Default `AB12345678CD`. */
  readonly cardNumber?: string | undefined
  /** MF/EF02 card type: `"1"` 在留カード (default) or `"2"` 特別永住者証明書 (DF2 then holds EF01 only). */
  readonly cardType?: "1" | "2" | undefined
  /** MF/EF01 仕様バージョン番号, 4 digits. Default `"0001"`. */
  readonly specVersion?: string | undefined
  /** DF1/EF01 card front (TIFF, MMR/CCITT G4), at most 7000 bytes. Default: the fixture `residenceGen1FrontTiff`. */
  readonly frontImage?: Uint8Array | undefined
  /** DF1/EF02 face (JPEG 2000, colour), at most 3000 bytes. Default: the fixture `residenceGen1FaceJp2`. */
  readonly faceImage?: Uint8Array | undefined
  /** DF2/EF01 `D2` 追記書き込み年月日, `YYYYMMDD`. Default `"20240401"`. */
  readonly addressDate?: string | undefined
  /** DF2/EF01 `D3` 市町村コード, 6 digits (全国地方公共団体コード). Default `"131016"` (東京都千代田区, the spec's example). */
  readonly municipalityCode?: string | undefined
  /** DF2/EF01 `D4` 住居地, at most 80 characters and 320 UTF-8 bytes. Default a fictitious address. */
  readonly address?: string | undefined
  /**
   * DF2/EF02 `D5` 資格外活動包括許可 (card type 1 only), at most 120 UTF-8 bytes. `null`: the permission was rewritten
   * to 「無」, and the whole EF (tag and length included) is `00` (§3.3.4.6). Default a typical permission text.
   */
  readonly comprehensivePermission?: string | null | undefined
  /** DF2/EF03 `D6` 資格外活動個別許可 (card type 1 only), as above (§3.3.4.7). Default `""` (tag, length, zeros). */
  readonly individualPermission?: string | null | undefined
  /** DF2/EF04 `D7` 在留期間等更新申請: `true` = `"1"` 申請中, `false` = `"0"` 無し (default). Card type 1 only. */
  readonly renewalApplication?: boolean | undefined
  /** A card issued under 16: no face image, no check code or certificate (§3.3.5). Default `false`. */
  readonly under16?: boolean | Under16Options | undefined
  /**
   * The block under the RSA signature: `"digestInfo"` (default) = `00 01 FF…FF 00 ‖ DigestInfo(SHA-256) ‖ hash`
   * (RSASSA-PKCS1-v1_5), or `"bareHash"` = `00 01 FF…FF 00 ‖ hash`, as 図3-4 draws it.
   */
  readonly signatureForm?: "digestInfo" | "bareHash" | undefined
  /** RSA-2048 private key (PKCS#8 or PKCS#1 DER) that signs. Default: the fixture `residenceGen1CardKeyPkcs8Der`. */
  readonly signingKey?: Uint8Array | undefined
  /** DER certificate stored in `DB` (at most 1200 bytes). Default: the fixture `residenceGen1CardCertDer`. */
  readonly certificate?: Uint8Array | undefined
  /** A 256-byte check code stored instead of the computed signature (to test a verifier's failure path). */
  readonly checkCode?: Uint8Array | undefined
}

export interface Gen1Files {
  readonly mf: { readonly ef01: Uint8Array; readonly ef02: Uint8Array }
  readonly df1: { readonly ef01: Uint8Array; readonly ef02: Uint8Array }
  /** EF02–EF04 exist on card type 1 only. */
  readonly df2: {
    readonly ef01: Uint8Array
    readonly ef02: Uint8Array | undefined
    readonly ef03: Uint8Array | undefined
    readonly ef04: Uint8Array | undefined
  }
  readonly df3: { readonly ef01: Uint8Array }
}

export interface Gen1Content {
  readonly cardNumber: string
  readonly cardType: "1" | "2"
  readonly files: Gen1Files
  /** The 256-byte check code in `DA`, or `undefined` on an under-16 card. */
  readonly checkCode: Uint8Array | undefined
}

/** File capacities (表3-1, p. 8). */
export const Capacity = {
  mfEf01: 6,
  mfEf02: 3,
  df1Ef01: 7004,
  df1Ef02: 3004,
  df2Ef01: 342,
  df2Ef02: 122,
  df2Ef03: 122,
  df2Ef04: 3,
  df3Ef01: 1464
} as const

export const DEFAULT_ADDRESS = "東京都千代田区丸の内９丁目９番９号"
export const DEFAULT_COMPREHENSIVE_PERMISSION = "許可：原則週２８時間以内・風俗営業等の従事を除く"

const encoder = new TextEncoder()

const utf8Field = (text: string, maxBytes: number, what: string, maxChars?: number): Uint8Array => {
  if (text.includes("\u0000")) throw new RangeError(`${what}: NUL characters cannot be stored (00 is the padding)`)
  if (maxChars !== undefined && [...text].length > maxChars) {
    throw new RangeError(`${what}: more than ${maxChars} characters`)
  }
  return zeroPad(encoder.encode(text), maxBytes, what)
}

const permissionFile = (tag: number, text: string | null, what: string): Uint8Array =>
  text === null ? new Uint8Array(Capacity.df2Ef02) : tlv(tag, utf8Field(text, 120, what))

/** The check code: RSA over SHA-256(D0 value ‖ D1 value) (図3-4, p. 14). */
export const sign = (
  signingKey: Uint8Array,
  frontValue: Uint8Array,
  faceValue: Uint8Array,
  form: "digestInfo" | "bareHash"
): Uint8Array => {
  const key = parsePrivateKey(signingKey)
  if (key.k !== 256) throw new RangeError(`signing key: the check code is RSA-2048, got a ${key.k * 8}-bit modulus`)
  const signed = new Uint8Array(frontValue.length + faceValue.length)
  signed.set(frontValue, 0)
  signed.set(faceValue, frontValue.length)
  const hash = sha256(signed)
  const tail = form === "bareHash" ? hash : Uint8Array.from([...SHA256_DIGEST_INFO_PREFIX, ...hash])
  return signEncoded(key, emsaPkcs1v15(tail, key.k))
}

/** Builds every EF of the card from the options, validating them (a `RangeError` names the bad option). */
export const build = (options: ContentOptions = {}): Gen1Content => {
  const cardNumber = checkCardNumber(options.cardNumber ?? DEFAULT_CARD_NUMBER)
  const cardType = options.cardType ?? "1"
  if (cardType !== "1" && cardType !== "2") throw new RangeError(`cardType: ${JSON.stringify(cardType)}`)
  const specVersion = checkPattern(options.specVersion ?? "0001", /^[0-9]{4}$/, "specVersion")
  const under16: Under16Options | undefined =
    options.under16 === true
      ? {}
      : options.under16 === false || options.under16 === undefined
        ? undefined
        : options.under16

  // MF
  const mfEf01 = tlv(0xc0, ascii(specVersion))
  const mfEf02 = tlv(0xc1, ascii(cardType))

  // DF1
  const frontValue = zeroPad(options.frontImage ?? Fixtures.residenceGen1FrontTiff, 7000, "frontImage")
  const faceValue = zeroPad(options.faceImage ?? Fixtures.residenceGen1FaceJp2, 3000, "faceImage")
  const df1Ef01 = tlv(0xd0, frontValue)
  const df1Ef02 =
    under16 === undefined
      ? tlv(0xd1, faceValue)
      : (under16.faceFile ?? "zeros") === "zeros"
        ? new Uint8Array(Capacity.df1Ef02)
        : tlv(0xd1, new Uint8Array(3000))

  // DF2
  const addressDate = checkPattern(options.addressDate ?? "20240401", /^[0-9]{8}$/, "addressDate")
  const municipalityCode = checkPattern(options.municipalityCode ?? "131016", /^[0-9]{6}$/, "municipalityCode")
  const df2Ef01 = Uint8Array.from([
    ...tlv(0xd2, ascii(addressDate)),
    ...tlv(0xd3, ascii(municipalityCode)),
    ...tlv(0xd4, utf8Field(options.address ?? DEFAULT_ADDRESS, 320, "address", 80))
  ])
  const typeOne = cardType === "1"
  const df2Ef02 = typeOne
    ? permissionFile(
        0xd5,
        options.comprehensivePermission === undefined
          ? DEFAULT_COMPREHENSIVE_PERMISSION
          : options.comprehensivePermission,
        "comprehensivePermission"
      )
    : undefined
  const df2Ef03 = typeOne
    ? permissionFile(
        0xd6,
        options.individualPermission === undefined ? "" : options.individualPermission,
        "individualPermission"
      )
    : undefined
  const df2Ef04 = typeOne ? tlv(0xd7, ascii(options.renewalApplication === true ? "1" : "0")) : undefined

  // DF3
  let checkCode: Uint8Array | undefined
  let df3Ef01: Uint8Array
  if (under16 !== undefined) {
    if (options.checkCode !== undefined) throw new RangeError("checkCode: an under-16 card stores no check code")
    const head = (under16.signatureFile ?? "DA00DB00") === "DA00" ? [0xda, 0x00] : [0xda, 0x00, 0xdb, 0x00]
    df3Ef01 = new Uint8Array(Capacity.df3Ef01)
    df3Ef01.set(head, 0)
  } else {
    if (options.checkCode !== undefined && options.checkCode.length !== 256) {
      throw new RangeError(`checkCode: must be 256 bytes, got ${options.checkCode.length}`)
    }
    checkCode =
      options.checkCode !== undefined
        ? Uint8Array.from(options.checkCode)
        : sign(
            options.signingKey ?? Fixtures.residenceGen1CardKeyPkcs8Der,
            frontValue,
            faceValue,
            options.signatureForm ?? "digestInfo"
          )
    const certificate = zeroPad(options.certificate ?? Fixtures.residenceGen1CardCertDer, 1200, "certificate")
    df3Ef01 = Uint8Array.from([...tlv(0xda, checkCode), ...tlv(0xdb, certificate)])
  }

  const files: Gen1Files = {
    mf: { ef01: mfEf01, ef02: mfEf02 },
    df1: { ef01: df1Ef01, ef02: df1Ef02 },
    df2: { ef01: df2Ef01, ef02: df2Ef02, ef03: df2Ef03, ef04: df2Ef04 },
    df3: { ef01: df3Ef01 }
  }
  // Internal consistency: every EF has its capacity from 表3-1.
  const sizes: Array<[Uint8Array | undefined, number, string]> = [
    [mfEf01, Capacity.mfEf01, "MF/EF01"],
    [mfEf02, Capacity.mfEf02, "MF/EF02"],
    [df1Ef01, Capacity.df1Ef01, "DF1/EF01"],
    [df1Ef02, Capacity.df1Ef02, "DF1/EF02"],
    [df2Ef01, Capacity.df2Ef01, "DF2/EF01"],
    [df2Ef02, Capacity.df2Ef02, "DF2/EF02"],
    [df2Ef03, Capacity.df2Ef03, "DF2/EF03"],
    [df2Ef04, Capacity.df2Ef04, "DF2/EF04"],
    [df3Ef01, Capacity.df3Ef01, "DF3/EF01"]
  ]
  for (const [bytes, size, name] of sizes) {
    if (bytes !== undefined && bytes.length !== size) throw new Error(`internal: ${name} is ${bytes.length} bytes`)
  }
  return { cardNumber, cardType, files, checkCode }
}
