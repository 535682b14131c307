// Test material: signs with the simulator's test keys through node:crypto, independently of the verifier's own code.
import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  privateEncrypt,
  sign
} from "node:crypto"
import * as Fixtures from "@jpcard/sim/fixtures/data"

export { Fixtures }

export const at = new Date("2030-01-01T00:00:00Z")

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"))
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex")
export const concat = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => Uint8Array.from(Buffer.concat(parts))
export const sha256 = async (data: Uint8Array) =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", Uint8Array.from(data)))

export const privateKey = (pkcs8: Uint8Array): KeyObject =>
  createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" })

export const zeroPad = (bytes: Uint8Array, length: number): Uint8Array => {
  const out = new Uint8Array(length)
  out.set(bytes)
  return out
}

/** One-byte-tag TLV with BER length (what the residence card files use). */
export const tlv = (tag: number | ReadonlyArray<number>, value: Uint8Array): Uint8Array => {
  const tagBytes = typeof tag === "number" ? [tag] : [...tag]
  const l = value.length
  const len = l < 0x80 ? [l] : l < 0x100 ? [0x81, l] : [0x82, l >> 8, l & 0xff]
  return concat(Uint8Array.from(tagBytes), Uint8Array.from(len), value)
}

// ---------------------------------------------------------------------------------------------------------------
// Residence gen 1

export const gen1Front = zeroPad(Fixtures.residenceGen1FrontTiff, 7000)
export const gen1Face = zeroPad(Fixtures.residenceGen1FaceJp2, 3000)
const gen1Key = privateKey(Fixtures.residenceGen1CardKeyPkcs8Der)

export const signGen1 = (front: Uint8Array, face: Uint8Array, form: "digestInfo" | "bareHash" = "digestInfo") => {
  const data = concat(front, face)
  if (form === "digestInfo") return new Uint8Array(sign("sha256", data, gen1Key))
  const hash = new Uint8Array(createHash("sha256").update(data).digest())
  return new Uint8Array(privateEncrypt({ key: gen1Key, padding: constants.RSA_PKCS1_PADDING }, hash))
}

export const gen1Input = (form: "digestInfo" | "bareHash" = "digestInfo") => ({
  frontImageValue: gen1Front,
  faceImageValue: gen1Face,
  checkCode: signGen1(gen1Front, gen1Face, form),
  certificate: zeroPad(Fixtures.residenceGen1CardCertDer, 1200)
})

// ---------------------------------------------------------------------------------------------------------------
// Residence gen 2

// C5 expiry, C6 birth, C7 sex, C8 nationality, C9 status (10), CE period, CA permission, CB date, CC work, CD end.
export const gen2Entries = new TextEncoder().encode(
  ["20310101", "19900101", "1", "704", "0004      ", "0500", "01", "20240101", "1", "20310101"].join("")
)
export const gen2Face = zeroPad(Fixtures.residenceGen2FaceJp2, 3000)
export const gen2Name = zeroPad(Fixtures.residenceGen2NameTiff, 2500)
const gen2Key = privateKey(Fixtures.residenceGen2CardKeyPkcs8Der)

export const signGen2 = (entries: Uint8Array, face: Uint8Array, name: Uint8Array, encoding: "raw" | "der" = "raw") =>
  new Uint8Array(
    sign("sha256", concat(zeroPad(entries, 53), face, name), {
      key: gen2Key,
      dsaEncoding: encoding === "raw" ? "ieee-p1363" : "der"
    })
  )

export const gen2Input = (encoding: "raw" | "der" = "raw") => ({
  printedEntries: gen2Entries,
  faceImageValue: gen2Face,
  nameImageValue: gen2Name,
  signature: signGen2(gen2Entries, gen2Face, gen2Name, encoding),
  certificate: Fixtures.residenceGen2CardCertDer
})

export { createPublicKey }
