// The check code in DF3/EF01 (在留カード等仕様書 Ver 1.5 §3.4.3.1, 図3-4): RSA-2048 over
// SHA-256(D0 value 7000 bytes ‖ D1 value 3000 bytes), checked here independently of the simulator's RSA code:
// WebCrypto for the DigestInfo form, bigint with the certificate's public key for the bare-hash form.
import { X509Certificate } from "node:crypto"
import { concat } from "@jpcard/core/Bytes"
import { sha256 } from "@jpcard/core/crypto"
import { describe, expect, it } from "vitest"
import * as Fixtures from "../src/fixtures/data.js"
import * as ResidenceGen1 from "../src/residence/Gen1Card.js"
import { hex, login, selectDf, send, toHex } from "./host.js"
import { big, rsaOpen } from "./rsa.js"

const certificate = new X509Certificate(Fixtures.residenceGen1CardCertDer)
const spki = certificate.publicKey.export({ type: "spki", format: "der" })
const jwk = certificate.publicKey.export({ format: "jwk" })
const b64url = (s: string) => big(Buffer.from(s, "base64url"))
const n = b64url(jwk.n!)
const e = b64url(jwk.e!)

const signedData = (card: ResidenceGen1.Gen1Card) =>
  concat(card.files.df1.ef01.subarray(4), card.files.df1.ef02.subarray(4))

const webCryptoVerify = async (signature: Uint8Array, data: Uint8Array) => {
  const key = await crypto.subtle.importKey("spki", spki, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, [
    "verify"
  ])
  return crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, Uint8Array.from(signature), Uint8Array.from(data))
}

const rsaPublic = (signature: Uint8Array): Uint8Array => rsaOpen({ n, e }, signature)

describe("check code", () => {
  it("the fixture certificate is the test CA's card signer (RSA-2048) and chains to the test CA", () => {
    expect(certificate.subject).toContain("NOT FOR PRODUCTION")
    expect(n.toString(2).length).toBe(2048)
    const ca = new X509Certificate(Fixtures.residenceGen1TestCaCertDer)
    expect(certificate.verify(ca.publicKey)).toBe(true)
  })

  it("digestInfo form (default) verifies with WebCrypto RSASSA-PKCS1-v1_5 / SHA-256 over D0 ‖ D1 values", async () => {
    const card = ResidenceGen1.make()
    const data = signedData(card)
    expect(data.length).toBe(10000)
    expect(await webCryptoVerify(card.checkCode!, data)).toBe(true)
    // The check code read from the card is the same one.
    login(card, card.cardNumber)
    expect(send(card, selectDf("DF3")).swHex).toBe("9000")
    const file = send(card, "00 B0 82 00 00 00 00").data
    expect(await webCryptoVerify(file.subarray(4, 260), data)).toBe(true)
    // A changed image does not verify.
    const tampered = data.slice()
    tampered[100] = tampered[100]! ^ 1
    expect(await webCryptoVerify(card.checkCode!, tampered)).toBe(false)
  })

  it("bareHash form: s^e mod n = 00 01 FF…FF 00 ‖ SHA-256 (図3-4), and WebCrypto rejects it", async () => {
    const card = ResidenceGen1.make({ signatureForm: "bareHash" })
    const block = rsaPublic(card.checkCode!)
    const hash = sha256(signedData(card))
    expect(toHex(block)).toBe(`0001${"FF".repeat(256 - 3 - 32)}00${toHex(hash)}`)
    expect(await webCryptoVerify(card.checkCode!, signedData(card))).toBe(false)
  })

  it("digestInfo form decrypts to 00 01 FF…FF 00 ‖ DigestInfo(SHA-256) ‖ hash", () => {
    const card = ResidenceGen1.make()
    const digestInfo = "3031300D060960864801650304020105000420"
    const hash = toHex(sha256(signedData(card)))
    expect(toHex(rsaPublic(card.checkCode!))).toBe(`0001${"FF".repeat(256 - 3 - 19 - 32)}00${digestInfo}${hash}`)
  })

  it("signs custom images", async () => {
    const card = ResidenceGen1.make({ frontImage: hex("49 49 2A 00"), faceImage: hex("FF 4F FF 51") })
    expect(await webCryptoVerify(card.checkCode!, signedData(card))).toBe(true)
  })

  it("a given checkCode is stored as is (to test a verifier's failure path)", async () => {
    const bogus = new Uint8Array(256).fill(0x5a)
    const card = ResidenceGen1.make({ checkCode: bogus })
    expect(toHex(card.files.df3.ef01.subarray(4, 260))).toBe(toHex(bogus))
    expect(await webCryptoVerify(card.checkCode!, signedData(card))).toBe(false)
  })

  it("accepts a PKCS#1 RSAPrivateKey as well as PKCS#8", async () => {
    const { createPrivateKey } = await import("node:crypto")
    const pkcs1 = createPrivateKey({
      key: Buffer.from(Fixtures.residenceGen1CardKeyPkcs8Der),
      format: "der",
      type: "pkcs8"
    }).export({ format: "der", type: "pkcs1" })
    const card = ResidenceGen1.make({ signingKey: new Uint8Array(pkcs1) })
    expect(toHex(card.checkCode!)).toBe(toHex(ResidenceGen1.make().checkCode!))
  })

  it("rejects a key that is not RSA-2048", async () => {
    const { generateKeyPairSync } = await import("node:crypto")
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 })
    const der = new Uint8Array(privateKey.export({ format: "der", type: "pkcs8" }))
    expect(() => ResidenceGen1.make({ signingKey: der })).toThrow(/RSA-2048/)
  })
})
