// My Number card 券面 AP files built from the simulator's test keys, in the layouts of mynumber-card.md §7 and §9,
// signed with node:crypto (independently of the verifier).
import { constants, createHash, createPublicKey, type KeyObject, privateEncrypt, sign } from "node:crypto"
import { concat, Fixtures, hex, privateKey } from "./helpers.js"

/** BER-TLV with a multi-byte tag given as a number (0xDF31, 0x7F21, 0x5F4E, 0x90 …). */
export const tlv = (tag: number, value: Uint8Array): Uint8Array => {
  const tagBytes =
    tag > 0xffff ? [tag >> 16, (tag >> 8) & 0xff, tag & 0xff] : tag > 0xff ? [tag >> 8, tag & 0xff] : [tag]
  const l = value.length
  const len = l < 0x80 ? [l] : l < 0x100 ? [0x81, l] : [0x82, l >> 8, l & 0xff]
  return concat(Uint8Array.from(tagBytes), Uint8Array.from(len), value)
}
const ascii = (s: string) => new TextEncoder().encode(s)
const sha256 = (b: Uint8Array) => new Uint8Array(createHash("sha256").update(b).digest())
const rsaSign = (key: KeyObject, data: Uint8Array) => new Uint8Array(sign("sha256", data, key))

/** DF21: the 2-byte offsets of `fields` from the file start, the first field at `first`. */
const df21For = (first: number, fields: ReadonlyArray<Uint8Array>) => {
  const offsets: Array<number> = []
  let p = first
  for (const f of fields) {
    offsets.push(p)
    p += f.length
  }
  return tlv(0xdf21, Uint8Array.from(offsets.flatMap((o) => [o >> 8, o & 0xff])))
}

export const cvcCaKey = privateKey(Fixtures.myNumberCvcCaKeyPkcs8Der)
export const kenhojoApKey = privateKey(Fixtures.myNumberKenhojoApKeyPkcs8Der)
export const kenkakuApKey = privateKey(Fixtures.myNumberKenkakuApKeyPkcs8Der)
export const kenhojoCardKey = privateKey(Fixtures.myNumberKenhojoCardKeyPkcs8Der)
export const kenkakuCardKey = privateKey(Fixtures.myNumberKenkakuCardKeyPkcs8Der)

/** `90 e ‖ 91 n` of an RSA key. */
export const keyTlvs = (key: KeyObject): Uint8Array => {
  const jwk = createPublicKey(key).export({ format: "jwk" })
  const n = Uint8Array.from(Buffer.from(jwk.n!, "base64url"))
  const e = Uint8Array.from(Buffer.from(jwk.e!, "base64url"))
  return concat(tlv(0x90, e), tlv(0x91, n))
}

/** A key ID: 7 ASCII digits, 08 05, 3 digits, 4 padding bytes. */
export const keyId = (seven: string, three = "001", tail = "00000000") =>
  concat(ascii(seven), hex("0805"), ascii(three), hex(tail))

/** The simulator's test CVC CA named as a (fictitious) 9000033 hierarchy key. */
export const testIssuerId = keyId("9000033")
export const kenhojoSubjectId = keyId("9000033", "002")
export const kenkakuSubjectId = keyId("9000023", "002")

export const cvcBody = (issuer: Uint8Array, subject: Uint8Array, key: KeyObject) =>
  concat(issuer, subject, keyTlvs(key))

export const cvc = (issuer: Uint8Array, subject: Uint8Array, certified: KeyObject, signer: KeyObject) => {
  const body = cvcBody(issuer, subject, certified)
  return tlv(0x7f21, concat(tlv(0x5f4e, body), tlv(0x5f37, rsaSign(signer, body))))
}

export const kenhojoCvc = cvc(testIssuerId, kenhojoSubjectId, kenhojoApKey, cvcCaKey)
export const kenkakuCvc = cvc(testIssuerId, kenkakuSubjectId, kenkakuApKey, cvcCaKey)

// ---------------------------------------------------------------------------------------------------------------
// kenhojo

export const ef0001 = concat(tlv(0xff10, ascii("123456789018")), hex("FFFF"))

const basic4 = () => {
  const fields = [
    tlv(0xdf22, ascii("見本　花子")),
    tlv(0xdf23, ascii("東京都千代田区霞が関２丁目１番２号")),
    tlv(0xdf24, ascii("19850401")),
    tlv(0xdf25, ascii("2"))
  ]
  // DF21: offsets from the file start to DF22 … DF25. Header FF20 L (3 bytes when L < 128… computed below).
  const body = concat(...fields)
  const offsetsLength = 2 + 1 + 8
  const total = offsetsLength + body.length
  const header = total < 0x80 ? 3 : 4
  const df21 = df21For(header + offsetsLength, fields)
  return concat(tlv(0xff20, concat(df21, body)), hex("FFFFFF"))
}
export const ef0002 = basic4()

/** EF0002 from the DF22 TLV to the end of the FF20 value. */
export const ef0002Signed = (ef: Uint8Array) => {
  const headerLength = ef[2]! < 0x80 ? 3 : ef[2] === 0x81 ? 4 : 5
  const length = ef[2]! < 0x80 ? ef[2]! : ef[2] === 0x81 ? ef[3]! : (ef[3]! << 8) | ef[4]!
  const offsetsEnd = headerLength + 3 + 8
  return ef.subarray(offsetsEnd, headerLength + length)
}

export const ef0003For = (one: Uint8Array, two: Uint8Array, signer = kenhojoApKey) => {
  const df31 = tlv(0xdf31, sha256(one))
  const df32 = tlv(0xdf32, sha256(ef0002Signed(two)))
  return concat(tlv(0xff30, concat(df31, df32, tlv(0xdf33, rsaSign(signer, concat(df31, df32))))), hex("FF"))
}
export const ef0003 = ef0003For(ef0001, ef0002)

export const ef0007For = (cardKey: KeyObject, signer = kenhojoApKey) => {
  const df51 = tlv(0xdf51, keyTlvs(cardKey))
  return tlv(0xff50, concat(df51, tlv(0xdf52, rsaSign(signer, df51))))
}
export const ef0007 = ef0007For(kenhojoCardKey)

export const kenhojoFiles = { ef0001, ef0002, ef0003, ef0004: kenhojoCvc, ef0007 }

// ---------------------------------------------------------------------------------------------------------------
// kenkaku

const kkKey = tlv(0xdf12, keyTlvs(kenkakuCardKey))
/** What the kenkaku age record's DF13 signs: the birth date DF11 ‖ the card key DF12. */
export const kkEf0001Signed = concat(tlv(0xdf11, ascii("19850401")), kkKey)
export const kkEf0001 = tlv(0xff10, concat(kkEf0001Signed, tlv(0xdf13, rsaSign(kenkakuApKey, kkEf0001Signed))))

/** The kenkaku card face with the triple digest (DF28) over DF22‖DF23‖DF24, DF25‖DF26, DF27. */
export const kkEf0002For = (signer = kenkakuApKey) => {
  const df22 = tlv(0xdf22, ascii("19850401"))
  const df23 = tlv(0xdf23, ascii("2"))
  const df24 = tlv(0xdf24, keyTlvs(kenkakuCardKey))
  const df25 = tlv(0xdf25, Fixtures.myNumberNamePng)
  const df26 = tlv(0xdf26, Fixtures.myNumberAddressPng)
  const df27 = tlv(0xdf27, Fixtures.myNumberFaceJp2)
  const payload = concat(
    hex("3071300D060960864801650304020105000460"),
    sha256(concat(df22, df23, df24)),
    sha256(concat(df25, df26)),
    sha256(df27)
  )
  const df28 = tlv(
    0xdf28,
    new Uint8Array(privateEncrypt({ key: signer, padding: constants.RSA_PKCS1_PADDING }, payload))
  )
  const df29 = tlv(0xdf29, ascii("20350401"))
  const df2a = tlv(0xdf2a, Fixtures.myNumberSecurityCodePng)
  const fields = [df22, df23, df24, df25, df26, df27, df28, df29, df2a]
  const body = concat(...fields)
  const df21Length = 2 + 1 + 18
  const header = 5 // FF20 82 LL LL
  const df21 = df21For(header + df21Length, fields)
  return { ef: tlv(0xff20, concat(df21, body)), fields: { df22, df23, df24, df25, df26, df27, df28, df29, df2a } }
}
export const kkEf0002 = kkEf0002For().ef

/** DF41 (the My Number's image) ‖ DF42 (the card key) TLVs: what EF0005's signature covers. */
export const kkEf0005Signed = concat(tlv(0xdf41, Fixtures.myNumberNumberPng), tlv(0xdf42, keyTlvs(kenkakuCardKey)))
export const kkEf0005 = tlv(0xff40, concat(kkEf0005Signed, tlv(0xdf43, rsaSign(kenkakuApKey, kkEf0005Signed))))

export const kenkakuFiles = { ef0001: kkEf0001, ef0002: kkEf0002, ef0004: kenkakuCvc, ef0005: kkEf0005 }

/** A card's answer to `80 2A 00 00` with DigestInfo(SHA-256(challenge)): a standard SHA-256 signature. */
export const cardSign = (key: KeyObject, challenge: Uint8Array) => rsaSign(key, challenge)
/** The same with the raw challenge sent as data. */
export const cardSignRaw = (key: KeyObject, challenge: Uint8Array) =>
  new Uint8Array(privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, challenge))
