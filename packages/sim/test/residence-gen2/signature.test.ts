// The second-generation signature DF3/EF01 `DC` (reference residence-card.md §10.2): ECDSA P-384 with SHA-256 over
// printed-entry values (zero padded to 53) ‖ face D1 value (3000) ‖ name D0 value (2500), raw r ‖ s. Checked here
// independently of the simulator: the signed data is rebuilt from the files read off the card with raw APDUs, and
// the signature is verified with WebCrypto under the public key of the certificate stored in `DD`.
import { X509Certificate } from "node:crypto"
import { concat } from "@jpcard/core/Bytes"
import { describe, expect, it } from "vitest"
import * as Fixtures from "../../src/fixtures/data.js"
import * as ResidenceGen2 from "../../src/residence/Gen2Card.js"
import { login, openSm, padTo, parseTlvs, selectDf, send, smReadExtended, toHex } from "./host.js"

const N = 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n

/** Reads DF1/EF02, DF1/EF03 and DF3/EF01 off the card and rebuilds what the signature covers. */
const readSigned = (card: ResidenceGen2.Gen2Card) => {
  const ks = login(card, card.cardNumber)
  expect(send(card, selectDf("DF1")).swHex).toBe("9000")
  const entriesFile = openSm(ks, send(card, smReadExtended(0x83, 0)).data)
  const imagesFile = openSm(ks, send(card, smReadExtended(0x84, 0)).data)
  expect(send(card, selectDf("DF3")).swHex).toBe("9000")
  const signatureFile = send(card, "00 B0 82 00 00 00 00").data
  const entries = concat(...parseTlvs(entriesFile).map((t) => t.value))
  const images = parseTlvs(imagesFile)
  const name = images.find((t) => t.tag === "D0")!.value
  // A zero D1 object (holder under 1 year old, faceObject "zeros") counts as a zero face value.
  const face = images.find((t) => t.tag === "D1")?.value ?? new Uint8Array(3000)
  const [dc, dd] = parseTlvs(signatureFile)
  expect(dc!.tag).toBe("DC")
  expect(dd!.tag).toBe("DD")
  return {
    entries,
    data: concat(padTo(entries, 53), padTo(face, 3000), padTo(name, 2500)),
    signature: dc!.value,
    certificate: dd!.value
  }
}

const verify = async (certificate: Uint8Array, signature: Uint8Array, data: Uint8Array) => {
  const spki = new X509Certificate(certificate).publicKey.export({ type: "spki", format: "der" })
  const key = await crypto.subtle.importKey("spki", spki, { name: "ECDSA", namedCurve: "P-384" }, false, ["verify"])
  return crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    key,
    Uint8Array.from(signature),
    Uint8Array.from(data)
  )
}

describe("ECDSA P-384 / SHA-256 signature", () => {
  it("the card certificate is the test CA2's P-384 signer and chains to the test CA", () => {
    const certificate = new X509Certificate(Fixtures.residenceGen2CardCertDer)
    expect(certificate.subject).toContain("NOT FOR PRODUCTION")
    expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe("secp384r1")
    expect(certificate.verify(new X509Certificate(Fixtures.residenceGen2TestCaCertDer).publicKey)).toBe(true)
  })

  it.each([
    ["05 default", {}],
    ["06 default", { cardType: "06" }],
    ["05, holder under 1 year old", { under1: true }],
    ["05, under 1, zero D1 object", { under1: { faceObject: "zeros" } }],
    ["05, other entries", { sex: "2", nationality: "PHL", periodOfStay: "090", comprehensivePermission: "1" }]
  ] as const)("%s: verifies with WebCrypto over the data read from the card", async (_, options) => {
    const card = ResidenceGen2.make({ seed: 1, ...(options as ResidenceGen2.Options) })
    const read = readSigned(card)
    expect(read.data.length).toBe(5553)
    expect(read.signature.length).toBe(96)
    expect(toHex(read.certificate)).toBe(toHex(Fixtures.residenceGen2CardCertDer))
    expect(toHex(read.data)).toBe(toHex(card.signedData))
    expect(await verify(read.certificate, read.signature, read.data)).toBe(true)
  })

  it("a 06 card signs its 34 entry bytes zero padded to 53", () => {
    const read = readSigned(ResidenceGen2.make({ cardType: "06", seed: 2 }))
    expect(read.entries.length).toBe(34)
    expect(read.data.subarray(34, 53).every((b) => b === 0)).toBe(true)
  })

  it("the address image is not signed; any change to entries, face or name breaks the signature", async () => {
    const card = ResidenceGen2.make()
    const data = card.signedData
    const certificate = Fixtures.residenceGen2CardCertDer
    expect(await verify(certificate, card.signature, data)).toBe(true)
    for (const at of [0, 52, 53, 53 + 2999, 3053, 5552]) {
      const tampered = data.slice()
      tampered[at] = tampered[at]! ^ 1
      expect(await verify(certificate, card.signature, tampered)).toBe(false)
    }
    const other = ResidenceGen2.make({ addressImage: Uint8Array.of(1, 2, 3) })
    expect(toHex(other.signature)).toBe(toHex(card.signature))
    const older = ResidenceGen2.make({ dateOfBirth: "19950416" })
    expect(toHex(older.signature)).not.toBe(toHex(card.signature))
  })

  it("is deterministic (RFC 6979) and a plain ECDSA signature: r and s in [1, n-1], s not normalised", () => {
    const a = ResidenceGen2.make({ seed: 1 })
    const b = ResidenceGen2.make({ seed: 2, cardNumber: "ZZ99999999ZZ" })
    expect(toHex(a.signature)).toBe(toHex(b.signature)) // the card number is not signed
    const big = (bytes: Uint8Array) => BigInt(`0x${toHex(bytes)}`)
    const r = big(a.signature.subarray(0, 48))
    const s = big(a.signature.subarray(48))
    expect(r > 0n && r < N).toBe(true)
    expect(s > 0n && s < N).toBe(true)
    // Over a range of contents some signatures have s > n/2: the signer does not force low S.
    const highS = Array.from({ length: 12 }, (_, i) =>
      big(ResidenceGen2.make({ reserved: String(i), dateOfBirth: `199501${String(i + 10)}` }).signature.subarray(48))
    ).filter((x) => x > N / 2n)
    expect(highS.length).toBeGreaterThan(0)
  })

  it("a replaced signature (option signature) is served as is and does not verify", async () => {
    const card = ResidenceGen2.make({ signature: new Uint8Array(96).fill(7) })
    const read = readSigned(card)
    expect(toHex(read.signature)).toBe("07".repeat(96))
    expect(await verify(read.certificate, read.signature, read.data)).toBe(false)
  })

  it("sign() and signedDataOf() are exported for verifier tests", async () => {
    const card = ResidenceGen2.make()
    const f = card.files
    const entries = concat(...parseTlvs(f.df1.ef02).map((t) => t.value))
    const signature = ResidenceGen2.sign(
      Fixtures.residenceGen2CardKeyPkcs8Der,
      entries,
      f.df1.ef03.subarray(2508),
      f.df1.ef03.subarray(4, 2504)
    )
    expect(toHex(signature)).toBe(toHex(card.signature))
    expect(toHex(ResidenceGen2.signedDataOf(entries, f.df1.ef03.subarray(2508), f.df1.ef03.subarray(4, 2504)))).toBe(
      toHex(card.signedData)
    )
  })

  it("rejects a signing key that is not P-384", () => {
    expect(() => ResidenceGen2.make({ signingKey: Fixtures.residenceGen1CardKeyPkcs8Der })).toThrow(/P-384 private key/)
    expect(() => ResidenceGen2.make({ signingKey: Uint8Array.of(0x30, 0x05, 0x02) })).toThrow(/P-384 private key/)
  })
})
