// Host side of the My Number card tests: raw APDUs written from shared/reference/mynumber-card.md §8, a tiny
// bounds-checked BER/DER reader and raw RSA with bigint. Deliberately independent of the reader in @jpcard/core and
// of the simulator's own encoders.
import { concat, fromHex, toHex } from "@jpcard/core/Bytes"
import { sha256 } from "@jpcard/core/crypto"
import { expect } from "vitest"
import * as Fixtures from "../../src/fixtures/data.js"
import * as MyNumberCard from "../../src/mynumber/MyNumberCard.js"
import type { SimulatedCard } from "../../src/SimulatedCard.js"
// Sending and splitting responses is the same for every card (ISO/IEC 7816-4 §5.1).
import { type Response, send, split, swOf } from "../host.js"
import { big, type PublicKey, rsaOpen } from "../rsa.js"

export const hex = fromHex
export { concat, type PublicKey, type Response, rsaOpen, send, sha256, split, swOf, toHex }

/** Sends and expects 90 00; returns the data. */
export const ok = (card: SimulatedCard, command: string | Uint8Array): Uint8Array => {
  const r = send(card, command)
  expect(r.swHex, typeof command === "string" ? command : toHex(command)).toBe("9000")
  return r.data
}

export const AID = {
  jpki: "D3 92 F0 00 26 01 00 00 00 01",
  kenhojo: "D3 92 10 00 31 00 01 01 04 08",
  kenkaku: "D3 92 10 00 31 00 01 01 04 02",
  common: "D3 92 10 00 31 00 01 01 01 00",
  juki: "D3 92 10 00 31 00 01 01 04 01",
  isd: "A0 00 00 01 51 00 00"
} as const

export const selectDf = (df: keyof typeof AID): string => {
  const aid = fromHex(AID[df])
  return `00 A4 04 0C ${aid.length.toString(16).padStart(2, "0")} ${AID[df]}`
}
export const selectEf = (fid: number): string => `00 A4 02 0C 02 ${fid.toString(16).padStart(4, "0")}`

/** A maker of fresh cards (`seed`, then the test's options) with the application `df` selected. */
export const cardIn =
  (df: keyof typeof AID, seed: number) =>
  (options: MyNumberCard.Options = {}): MyNumberCard.MyNumberCard => {
    const card = MyNumberCard.make({ seed, ...options })
    expect(swOf(card, selectDf(df))).toBe("9000")
    return card
  }

const ascii = (text: string) => new TextEncoder().encode(text)

/** `00 20 00 80 Lc <ASCII>`, or the tries query `00 20 00 80` for `undefined`. */
export const verifyApdu = (value?: string): Uint8Array =>
  value === undefined ? hex("00 20 00 80") : concat(hex("00 20 00 80"), Uint8Array.of(value.length), ascii(value))

/** SELECT key EF, VERIFY; returns the SW. */
export const verifyKey = (card: SimulatedCard, fid: number, value?: string): string => {
  expect(swOf(card, selectEf(fid))).toBe("9000")
  return swOf(card, verifyApdu(value))
}

/** Reads the current EF in short 256-byte chunks (Le 00) until a short chunk or 6B00: the physical content. */
export const readPhysical = (card: SimulatedCard): Uint8Array => {
  const parts: Array<Uint8Array> = []
  let offset = 0
  for (;;) {
    const r = send(card, Uint8Array.of(0x00, 0xb0, offset >> 8, offset & 0xff, 0x00))
    if (r.swHex === "6B00") break
    expect(r.swHex).toBe("9000")
    parts.push(r.data.slice())
    offset += r.data.length
    if (r.data.length < 256) break
  }
  return concat(...parts)
}

/** SELECT EF then read it all. */
export const readEf = (card: SimulatedCard, fid: number): Uint8Array => {
  expect(swOf(card, selectEf(fid))).toBe("9000")
  return readPhysical(card)
}

/**
 * §8.7 in a fresh session of `df` (nothing verified): GET CHALLENGE of 16 bytes, then COMPUTE SIGNATURE `80 2A 00 00`
 * over DigestInfo(SHA-256(challenge)) with the AP's card key.
 */
export const signChallenge = (
  card: SimulatedCard,
  df: keyof typeof AID
): { readonly challenge: Uint8Array; readonly signature: Uint8Array } => {
  ok(card, selectDf(df))
  const challenge = ok(card, "00 84 00 00 10")
  expect(challenge.length).toBe(16)
  const signature = ok(card, concat(hex("80 2A 00 00 33"), SHA256_PREFIX, sha256(challenge), hex("00")))
  return { challenge, signature }
}

/** SELECT EF (expects 90 00), then READ BINARY of one byte: the status word says whether the EF may be read. */
export const readSw = (card: SimulatedCard, fid: number): string => {
  ok(card, selectEf(fid))
  return swOf(card, "00 B0 00 00 01")
}

// ---------------------------------------------------------------------------------------------------------------------
// BER reading (test-side, bounds-checked)
// ---------------------------------------------------------------------------------------------------------------------

export interface Tlv {
  readonly tag: number
  /** Offset of the tag in the buffer that was parsed. */
  readonly start: number
  readonly headerLength: number
  readonly value: Uint8Array
  readonly end: number
  /** tag ‖ length ‖ value as written. */
  readonly raw: Uint8Array
}

/** One BER TLV at `offset` of `bytes`: tags of 1 or 2 bytes (`xF` low bits → 2), lengths up to `82 XX XX`. */
export const readTlv = (bytes: Uint8Array, offset = 0): Tlv => {
  const need = (n: number) => {
    if (n > bytes.length) throw new Error(`TLV at ${offset} overruns ${bytes.length} bytes`)
  }
  need(offset + 2)
  let p = offset
  let tag = bytes[p++]!
  if ((tag & 0x1f) === 0x1f) {
    need(p + 1)
    tag = (tag << 8) | bytes[p++]!
  }
  need(p + 1)
  let length = bytes[p++]!
  if (length === 0x81) {
    need(p + 1)
    length = bytes[p++]!
  } else if (length === 0x82) {
    need(p + 2)
    length = (bytes[p]! << 8) | bytes[p + 1]!
    p += 2
  } else if (length > 0x7f) throw new Error(`unsupported length byte ${length.toString(16)}`)
  need(p + length)
  return {
    tag,
    start: offset,
    headerLength: p - offset,
    value: bytes.subarray(p, p + length),
    end: p + length,
    raw: bytes.subarray(offset, p + length)
  }
}

/** Children of a constructed value; stops at `FF`/`00` filler where a tag would start. */
export const children = (value: Uint8Array, base = 0): Array<Tlv> => {
  const out: Array<Tlv> = []
  let p = 0
  while (p < value.length && value[p] !== 0xff && value[p] !== 0x00) {
    const t = readTlv(value, p)
    out.push({ ...t, start: base + t.start })
    p = t.end
  }
  return out
}

/** The children of a file's outer TLV, with `start` relative to the file start. */
export const fields = (file: Uint8Array): { outer: Tlv; items: Array<Tlv>; get: (tag: number) => Tlv } => {
  const outer = readTlv(file, 0)
  const items = children(outer.value, outer.headerLength)
  return {
    outer,
    items,
    get: (tag) => {
      const found = items.find((t) => t.tag === tag)
      if (found === undefined) throw new Error(`no ${tag.toString(16)}`)
      return found
    }
  }
}

/** The 2-byte big-endian offsets of a `DF21` offset table (券面 records, reference §7). */
export const offsetsOf = (table: Uint8Array): Array<number> =>
  Array.from({ length: table.length >> 1 }, (_, i) => (table[2 * i]! << 8) | table[2 * i + 1]!)

// ---------------------------------------------------------------------------------------------------------------------
// RSA (test-side)
// ---------------------------------------------------------------------------------------------------------------------

/** The test CVC CA's public key (it signs the kenhojo and kenkaku CVCs and the MF chain root). */
export const CVC_CA: PublicKey = { n: big(Fixtures.myNumberCvcCaModulus), e: big(Fixtures.myNumberCvcCaExponent) }

/** The payload T of an EMSA-PKCS1-v1_5 block `00 01 FF…FF 00 T`, or undefined when the block is malformed. */
export const pkcs1Payload = (block: Uint8Array): Uint8Array | undefined => {
  if (block[0] !== 0x00 || block[1] !== 0x01) return undefined
  let i = 2
  while (i < block.length && block[i] === 0xff) i++
  if (i - 2 < 8 || block[i] !== 0x00) return undefined
  return block.subarray(i + 1)
}

export const SHA256_PREFIX = hex("30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20")

/** RSASSA-PKCS1-v1_5 SHA-256 verification with raw bigint RSA. */
export const verifyPkcs1Sha256 = (key: PublicKey, data: Uint8Array, signature: Uint8Array): boolean => {
  const payload = pkcs1Payload(rsaOpen(key, signature))
  return payload !== undefined && toHex(payload) === toHex(concat(SHA256_PREFIX, sha256(data)))
}

/** The `90 e ‖ 91 n` public key of the 券面 records. */
export const parseCardPublicKey = (value: Uint8Array): PublicKey => {
  const [e, n] = children(value)
  expect(e?.tag).toBe(0x90)
  expect(n?.tag).toBe(0x91)
  expect(n!.value.length).toBe(256)
  return { e: big(e!.value), n: big(n!.value) }
}

/** Parses a CVC (`7F21 { 5F4E, 5F37 }` or its contents) and returns its parts. */
export const parseCvc = (bytes: Uint8Array) => {
  const inner = bytes[0] === 0x7f && bytes[1] === 0x21 ? readTlv(bytes).value : bytes
  const [body, signature] = children(inner)
  expect(body?.tag).toBe(0x5f4e)
  expect(signature?.tag).toBe(0x5f37)
  expect(body!.value.length).toBe(297)
  return {
    body: body!.value,
    signature: signature!.value,
    issuer: body!.value.subarray(0, 16),
    subject: body!.value.subarray(16, 32),
    key: parseCardPublicKey(body!.value.subarray(32))
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// X.509 (test-side): the SubjectPublicKeyInfo of a certificate, for WebCrypto
// ---------------------------------------------------------------------------------------------------------------------

/** DER children of a SEQUENCE value (single-byte tags). */
const derChildren = (value: Uint8Array): Array<Tlv> => {
  const out: Array<Tlv> = []
  let p = 0
  while (p < value.length) {
    const t = readTlvDer(value, p)
    out.push(t)
    p = t.end
  }
  return out
}

const readTlvDer = (bytes: Uint8Array, offset: number): Tlv => {
  if (offset + 2 > bytes.length) throw new Error("DER overrun")
  const tag = bytes[offset]!
  let length = bytes[offset + 1]!
  let header = 2
  if (length & 0x80) {
    const count = length & 0x7f
    if (count < 1 || count > 3 || offset + 2 + count > bytes.length) throw new Error("DER length")
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]!
    header += count
  }
  const end = offset + header + length
  if (end > bytes.length) throw new Error("DER overrun")
  return {
    tag,
    start: offset,
    headerLength: header,
    value: bytes.subarray(offset + header, end),
    end,
    raw: bytes.subarray(offset, end)
  }
}

/** Certificate → tbsCertificate → subjectPublicKeyInfo (DER, as WebCrypto's "spki" wants it). */
export const spkiOf = (certificate: Uint8Array): Uint8Array => {
  const cert = readTlvDer(certificate, 0)
  expect(cert.tag).toBe(0x30)
  expect(cert.end).toBe(certificate.length)
  const tbs = derChildren(cert.value)[0]!
  const items = derChildren(tbs.value)
  const rest = items[0]?.tag === 0xa0 ? items.slice(1) : items // [0] version
  // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
  const spki = rest[5]!
  expect(spki.tag).toBe(0x30)
  return spki.raw.slice()
}

/** n and e from a DER SubjectPublicKeyInfo of an rsaEncryption key. */
export const rsaOfSpki = (spki: Uint8Array): PublicKey => {
  const [, bitString] = derChildren(readTlvDer(spki, 0).value)
  expect(bitString?.tag).toBe(0x03)
  const rsaKey = readTlvDer(bitString!.value.subarray(1), 0)
  const [n, e] = derChildren(rsaKey.value)
  return { n: big(n!.value), e: big(e!.value) }
}

export const importSpki = (spki: Uint8Array, algorithm: RsaHashedImportParams) =>
  crypto.subtle.importKey("spki", Uint8Array.from(spki), algorithm, false, ["verify"])
