/**
 * File contents of the simulated My Number card, built from the holder data, the fixture images and keys, after
 * `shared/reference/mynumber-card.md` §3, §7 and §9. Every record is signed the way the reference says the real card
 * signs it, so a reader's verification code runs against the simulator unchanged.
 *
 * @since 0.1.0
 */
import { concat, fromHex } from "@jpcard/core/Bytes"
import { sha256 } from "@jpcard/core/crypto"
import { constructed, headerSize, tlv } from "./Ber.js"
import type { Holder } from "./Holder.js"
import {
  encodePublicKey,
  type RsaPrivateKey,
  type RsaPublicKey,
  signPkcs1Payload,
  signPkcs1Sha256,
  toBytes
} from "./Keys.js"

const encoder = new TextEncoder()
const ascii = (text: string) => encoder.encode(text)

/**
 * A 16-byte key ID (reference §7.4): 7 ASCII digits, `08 05`, 3 ASCII digits, 4 padding bytes (`00` here).
 * `keyId("9000033")` is `9000033/001`.
 */
export const keyId = (digits: string, serial = "001", padding: Uint8Array = new Uint8Array(4)): Uint8Array => {
  if (!/^[0-9]{7}$/.test(digits) || !/^[0-9]{3}$/.test(serial) || padding.length !== 4) {
    throw new RangeError(`key ID ${digits}/${serial}`)
  }
  return concat(ascii(digits), Uint8Array.of(0x08, 0x05), ascii(serial), padding)
}

/**
 * The simulator's CVC key IDs. They start with `9`, neither a production (`5…`) nor a J-LIS test (`6…`) prefix, so
 * a verifier can never resolve them to a real J-LIS key: trust the test CVC CA under these IDs explicitly.
 */
export const KeyIds = {
  /** Issuer (証明者鍵ID) of the kenkaku CVC: the test CVC CA, standing in for J-LIS `5000023`. */
  kenkakuCa: keyId("9000023"),
  /** Issuer of the kenhojo CVC: the test CVC CA, standing in for J-LIS `5000033`. */
  kenhojoCa: keyId("9000033"),
  /** Root of the MF-level chain (GET DATA `00F8`): the test CVC CA, standing in for J-LIS `5000020`. */
  mfRoot: keyId("9000020"),
  /** The MF-level intermediate (subject of `00F8`, issuer of `7F21`, GET DATA `00F7`). */
  mfIntermediate: keyId("9000021"),
  /** kenkaku EF0003 DF32 (a key ID that is not the CVC's subject; `x000024` on real cards). */
  kenkakuBasicInfo: keyId("9000024"),
  /** kenkaku EF0003 DF35 (opaque key reference). */
  kenkakuBasicInfoDf35: keyId("9000025"),
  /** kenhojo EF0005 DF42 (`x000034` on real cards). */
  kenhojoBasicInfo: keyId("9000034"),
  /** MF GET DATA `0042` (issuer identification) and the common/juki EF0002 key reference record. */
  issuer: keyId("9000001")
} as const

/**
 * The 被証明者鍵ID of an AP's CVC. MC (`surface.rs`, `text.rs`) reports it is "the municipality's own"; its format is
 * not published, so the simulator uses the 5-digit municipality code + two AP digits (`23`, `33`, `20`).
 */
export const subjectKeyId = (holder: Holder, ap: "23" | "33" | "20"): Uint8Array =>
  keyId(`${holder.municipalityCode}${ap}`)

/** CVC body (`5F4E` value, 297 bytes): issuer ID ‖ subject ID ‖ `90 03 010001 91 82 0100 <modulus>`. */
export const cvcBody = (issuer: Uint8Array, subject: Uint8Array, key: RsaPublicKey): Uint8Array =>
  concat(issuer, subject, encodePublicKey(key))

/** `5F4E <body> ‖ 5F37 <RSA PKCS#1 v1.5 SHA-256 signature over the body>` (the `7F21` contents, as GET DATA gives them). */
export const cvcContents = (signer: RsaPrivateKey, body: Uint8Array): Uint8Array =>
  concat(tlv(0x5f4e, body), tlv(0x5f37, signPkcs1Sha256(signer, body)))

/** A card-verifiable certificate `7F21 { 5F4E, 5F37 }` (reference §7.4), 568 bytes for RSA-2048. */
export const cvc = (signer: RsaPrivateKey, issuer: Uint8Array, subject: Uint8Array, key: RsaPublicKey): Uint8Array =>
  tlv(0x7f21, cvcContents(signer, cvcBody(issuer, subject, key)))

/**
 * `outer { DF21 offsets, fields… }` where DF21 holds the u16 offsets of each field TLV from the start of the file
 * (reference §7.2, §7.5).
 */
const withOffsets = (outer: number, fields: ReadonlyArray<Uint8Array>): Uint8Array => {
  const tableTlvSize = 2 + 1 + fields.length * 2
  const valueLength = tableTlvSize + fields.reduce((sum, f) => sum + f.length, 0)
  let position = headerSize(outer, valueLength) + tableTlvSize
  const offsets = new Uint8Array(fields.length * 2)
  fields.forEach((field, i) => {
    if (position > 0xffff) throw new RangeError("offset table overflow")
    offsets[2 * i] = position >> 8
    offsets[2 * i + 1] = position & 0xff
    position += field.length
  })
  return constructed(outer, tlv(0xdf21, offsets), ...fields)
}

// ---------------------------------------------------------------------------------------------------------------------
// JPKI AP
// ---------------------------------------------------------------------------------------------------------------------

/** Token labels (reference §3.1 EF0006). */
export const TokenLabel = {
  card: "JPKIAPICCTOKEN2",
  android: "JPKIAPGPSETOKEN",
  iphone: "JPKIAPIOSTOKEN"
} as const

const padded = (text: string, size: number): Uint8Array => {
  const bytes = ascii(text)
  if (bytes.length > size) throw new RangeError(`${text} exceeds ${size} bytes`)
  const out = new Uint8Array(size).fill(0x20)
  out.set(bytes, 0)
  return out
}

/**
 * JPKI EF0006: a 160-byte serialised PKCS#11 `CK_TOKEN_INFO` with 32-bit big-endian `CK_ULONG`s (MC `jpki.rs`
 * `TokenInfo`): label, manufacturer, model, serial (space-padded), flags, session/PIN/memory counts, two ASCII version
 * slots and a 16-byte time slot.
 */
export const tokenInfo = (label: string, serialNumber: string): Uint8Array => {
  const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)
  const unavailable = 0xffffffff
  const out = concat(
    padded(label, 32),
    padded("jpcard simulator (TEST)", 32),
    padded("MyNumberCard", 16),
    padded(serialNumber, 16),
    u32(0x0000040d), // CKF_RNG | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_TOKEN_INITIALIZED
    u32(0), // ulMaxSessionCount: CK_EFFECTIVELY_INFINITE
    u32(unavailable),
    u32(0),
    u32(unavailable),
    u32(16), // ulMaxPinLen
    u32(4), // ulMinPinLen
    u32(unavailable),
    u32(unavailable),
    u32(unavailable),
    u32(unavailable),
    ascii("03"), // hardwareVersion slot: ASCII on physical cards (MC)
    ascii("01"), // firmwareVersion slot
    padded("", 16) // utcTime: no clock on the token
  )
  if (out.length !== 160) throw new Error(`token info is ${out.length} bytes`)
  return out
}

/** JPKI EF0008: `8F 8F 00` = both certificates present (sign, auth, unknown). */
export const CERTIFICATE_AVAILABILITY = Uint8Array.of(0x8f, 0x8f, 0x00)

// ---------------------------------------------------------------------------------------------------------------------
// 券面事項入力補助AP (kenhojo)
// ---------------------------------------------------------------------------------------------------------------------

/** kenhojo EF0001 (physical, 17 bytes): `FF 10 0C` + 12 ASCII digits + `FF FF` filler (reference §7.1). */
export const kenhojoMyNumber = (holder: Holder): Uint8Array =>
  concat(tlv(0xff10, ascii(holder.myNumber)), Uint8Array.of(0xff, 0xff))

/** kenhojo EF0002: `FF20 { DF21 offsets, DF22 name, DF23 address, DF24 birth YYYYMMDD, DF25 sex }` (§7.2). */
export const kenhojoAttributes = (holder: Holder): Uint8Array =>
  withOffsets(0xff20, [
    tlv(0xdf22, encoder.encode(holder.name)),
    tlv(0xdf23, encoder.encode(holder.address)),
    tlv(0xdf24, ascii(holder.birthDate)),
    tlv(0xdf25, ascii(holder.sex))
  ])

/** The bytes kenhojo EF0003 DF32 digests: EF0002 from the DF22 TLV to the end of the FF20 value (§7.3). */
export const attributesDigestSource = (ef0002: Uint8Array): Uint8Array => {
  // FF20 header: 2 tag bytes + 1–3 length bytes; DF21 TLV: 3 + value.
  const lengthByte = ef0002[2]!
  const header = 2 + (lengthByte < 0x80 ? 1 : 1 + (lengthByte & 0x7f))
  let length = lengthByte
  if (lengthByte >= 0x80) {
    length = 0
    for (let i = 0; i < (lengthByte & 0x7f); i++) length = length * 256 + ef0002[3 + i]!
  }
  const tableEnd = header + 3 + ef0002[header + 2]!
  return ef0002.slice(tableEnd, header + length)
}

/**
 * kenhojo EF0003 integrity record (§7.3): `FF30 { DF31 SHA-256(EF0001 physical), DF32 SHA-256(EF0002 DF22…end),
 * DF33 RSA PKCS#1 v1.5 SHA-256 over the DF31 and DF32 TLVs as written }`, signed by the kenhojo AP key (336 bytes).
 */
export const kenhojoIntegrity = (ef0001: Uint8Array, ef0002: Uint8Array, apKey: RsaPrivateKey): Uint8Array => {
  const signed = concat(tlv(0xdf31, sha256(ef0001)), tlv(0xdf32, sha256(attributesDigestSource(ef0002))))
  return constructed(0xff30, signed, tlv(0xdf33, signPkcs1Sha256(apKey, signed)))
}

/** kenhojo EF0005: `FF40 { DF41 01 03 0E 01, DF42 key ID, DF43 32 bytes + 96 × FF }` (§7.6; DF43's meaning unknown). */
export const kenhojoBasicInfo = (holder: Holder): Uint8Array => {
  const df43 = new Uint8Array(128).fill(0xff)
  df43.set(sha256(ascii(`jpcard-sim kenhojo DF43 ${holder.serialNumber}`)), 0)
  return constructed(
    0xff40,
    tlv(0xdf41, Uint8Array.of(0x01, 0x03, 0x0e, 0x01)),
    tlv(0xdf42, KeyIds.kenhojoBasicInfo),
    tlv(0xdf43, df43)
  )
}

/** kenhojo EF0006: the secure-messaging session-key encryption public key `A1 { 90 e, 91 n }` (§7.6). */
export const kenhojoSessionKeyFile = (key: RsaPublicKey): Uint8Array => tlv(0xa1, encodePublicKey(key))

/** kenhojo EF0007: `FF50 { DF51 card public key, DF52 signature over the DF51 TLV }` by the AP key (§7.6, §9). */
export const kenhojoSignedPublicKey = (cardKey: RsaPublicKey, apKey: RsaPrivateKey): Uint8Array => {
  const df51 = tlv(0xdf51, encodePublicKey(cardKey))
  return constructed(0xff50, df51, tlv(0xdf52, signPkcs1Sha256(apKey, df51)))
}

// ---------------------------------------------------------------------------------------------------------------------
// 券面事項確認AP (kenkaku)
// ---------------------------------------------------------------------------------------------------------------------

/** kenkaku EF0001 age record: `FF10 { DF11 birth, DF12 card key, DF13 sig over DF11 ‖ DF12 TLVs }` (§7.5, §9). */
export const kenkakuAgeRecord = (holder: Holder, cardKey: RsaPublicKey, apKey: RsaPrivateKey): Uint8Array => {
  const signed = concat(tlv(0xdf11, ascii(holder.birthDate)), tlv(0xdf12, encodePublicKey(cardKey)))
  return constructed(0xff10, signed, tlv(0xdf13, signPkcs1Sha256(apKey, signed)))
}

export interface FaceImages {
  /** DF25 name image (PNG). */
  readonly name: Uint8Array
  /** DF26 address image (PNG). */
  readonly address: Uint8Array
  /** DF27 photo (JPEG 2000, JP2, greyscale). */
  readonly face: Uint8Array
  /** DF2A security-code image (PNG). */
  readonly securityCode: Uint8Array
}

/** `30 71 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 60`: the DigestInfo header for 96 bytes of "hash". */
export const TRIPLE_DIGEST_INFO_PREFIX: Uint8Array = fromHex("30 71 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 60")

/**
 * kenkaku EF0002 card face (§7.5, §9): `FF20 { DF21 9 offsets, DF22 birth, DF23 sex, DF24 card key, DF25 name PNG,
 * DF26 address PNG, DF27 photo, DF28 signature, DF29 expiry, DF2A security-code PNG }`. DF28 is a PKCS#1 v1.5
 * type-1 signature whose payload is the 115-byte DigestInfo `30 71 … 04 60 ‖ H1 ‖ H2 ‖ H3` with
 * H1 = SHA-256(DF22 ‖ DF23 ‖ DF24 TLVs), H2 = SHA-256(DF25 ‖ DF26 TLVs), H3 = SHA-256(DF27 TLV). DF29 and DF2A
 * follow the signature and are not covered.
 */
export const kenkakuCardFace = (
  holder: Holder,
  images: FaceImages,
  cardKey: RsaPublicKey,
  apKey: RsaPrivateKey
): Uint8Array => {
  const df22 = tlv(0xdf22, ascii(holder.birthDate))
  const df23 = tlv(0xdf23, ascii(holder.sex))
  const df24 = tlv(0xdf24, encodePublicKey(cardKey))
  const df25 = tlv(0xdf25, images.name)
  const df26 = tlv(0xdf26, images.address)
  const df27 = tlv(0xdf27, images.face)
  const digestInfo = concat(
    TRIPLE_DIGEST_INFO_PREFIX,
    sha256(concat(df22, df23, df24)),
    sha256(concat(df25, df26)),
    sha256(df27)
  )
  const df28 = tlv(0xdf28, signPkcs1Payload(apKey, digestInfo))
  const df29 = tlv(0xdf29, ascii(holder.expiry))
  const df2a = tlv(0xdf2a, images.securityCode)
  return withOffsets(0xff20, [df22, df23, df24, df25, df26, df27, df28, df29, df2a])
}

/**
 * kenkaku EF0003 AP basic info (§3.3): `FF30 { DF31 06 03 0E 01, DF32 key ID, DF33 version, DF34 municipality code,
 * DF35 key ID + 256 opaque bytes }`, unsigned.
 */
export const kenkakuBasicInfo = (holder: Holder): Uint8Array => {
  const opaque = new Uint8Array(256)
  for (let i = 0; i < 8; i++) {
    opaque.set(sha256(ascii(`jpcard-sim kenkaku DF35 ${holder.serialNumber} ${i}`)), i * 32)
  }
  opaque[0] = opaque[0]! & 0x7f // stays below any 2048-bit modulus, like an RSA cryptogram would
  return constructed(
    0xff30,
    tlv(0xdf31, Uint8Array.of(0x06, 0x03, 0x0e, 0x01)),
    tlv(0xdf32, KeyIds.kenkakuBasicInfo),
    tlv(0xdf33, Uint8Array.of(0x01)),
    tlv(0xdf34, ascii(holder.municipalityCode)),
    tlv(0xdf35, concat(KeyIds.kenkakuBasicInfoDf35, opaque))
  )
}

/** kenkaku EF0005: `FF40 { DF41 My Number PNG, DF42 card key, DF43 sig over DF41 ‖ DF42 TLVs }` (§7.5, §9). */
export const kenkakuMyNumberImage = (image: Uint8Array, cardKey: RsaPublicKey, apKey: RsaPrivateKey): Uint8Array => {
  const signed = concat(tlv(0xdf41, image), tlv(0xdf42, encodePublicKey(cardKey)))
  return constructed(0xff40, signed, tlv(0xdf43, signPkcs1Sha256(apKey, signed)))
}

// ---------------------------------------------------------------------------------------------------------------------
// 共通カードAP, MF
// ---------------------------------------------------------------------------------------------------------------------

/** Common AP EF0001 record 1 (§3.4): simple-TLV `01 1C` + serial (15) + municipality code (5) + expiry (8). */
export const commonCardInfo = (holder: Holder): Uint8Array =>
  concat(Uint8Array.of(0x01, 0x1c), ascii(holder.serialNumber + holder.municipalityCode + holder.expiry))

/**
 * GlobalPlatform card recognition data (GET DATA `0066`): `66 { 73 { OID 1.2.840.114283.1, 60 { card management
 * type and version }, 63 { card identification scheme }, 64 { secure channel protocol } } }`. The real card's values
 * are not published; these are GlobalPlatform's usual ones.
 */
export const CARD_RECOGNITION_DATA: Uint8Array = (() => {
  const oid = (...arc: ReadonlyArray<number>) => tlv(0x06, Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xfc, 0x6b, ...arc))
  return tlv(
    0x66,
    tlv(
      0x73,
      concat(oid(0x01), tlv(0x60, oid(0x02, 0x02, 0x01, 0x01)), tlv(0x63, oid(0x03)), tlv(0x64, oid(0x04, 0x02, 0x15)))
    )
  )
})()

export { toBytes }
