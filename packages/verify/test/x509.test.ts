// Certificate parsing (lenient) and verification (strict): the real-card quirks are accepted only when the signature
// still verifies over the bytes as found.

import { createPrivateKey } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Residence, Trust, X509 } from "../src/index.js"
import * as D from "./der.js"
import { at, concat, Fixtures, gen2Entries, gen2Face, gen2Name, signGen2, zeroPad } from "./helpers.js"

const parse = (bytes: Uint8Array) => X509.parseSync(bytes)
const parsed = (bytes: Uint8Array) => {
  const c = parse(bytes)
  if (c instanceof X509.CertificateParseError) throw c
  return c
}

const ca2Key = D.simKey("residence-gen2-ca")
const ca2Cert = Fixtures.residenceGen2TestCaCertDer
const ca2Name = D.nameOf(ca2Cert, "subject")
const cardKey = createPrivateKey({
  key: Buffer.from(Fixtures.residenceGen2CardKeyPkcs8Der),
  format: "der",
  type: "pkcs8"
})
const cardPublic = D.publicOf(cardKey)

/** A gen-2 card certificate minted under the simulator's CA2 (same key as the fixture), with options. */
const gen2Cert = (options: Partial<D.CertSpec> = {}) =>
  D.certificate({
    issuer: ca2Name,
    subject: D.name({}, "jpcard TEST minted RC2 signer"),
    publicKey: cardPublic,
    alg: "ecdsa-sha384",
    signer: ca2Key,
    extensions: [D.basicConstraints(false), D.keyUsage([D.KU.digitalSignature])],
    ...options
  })

const trust = Trust.customResidenceTrust([ca2Cert], { label: "sim CA2" })
const signed = () => signGen2(gen2Entries, gen2Face, gen2Name)
/** Gen 2 data signed by the card key, with `certificate`, against the sim CA2 or the given anchors. */
const verifyWith = (certificate: Uint8Array, anchors?: ReadonlyArray<Uint8Array>) =>
  Effect.flatMap(anchors === undefined ? trust : Trust.customResidenceTrust(anchors), (t) =>
    Residence.verifyGen2(
      {
        printedEntries: gen2Entries,
        faceImageValue: gen2Face,
        nameImageValue: gen2Name,
        signature: signed(),
        certificate
      },
      t,
      { at }
    )
  )

describe("parsing", () => {
  it("reads the fixtures: names, validity, keys, extensions", () => {
    const card = parsed(Fixtures.residenceGen1CardCertDer)
    expect(card.subject).toBe("C=JP, O=jpcard TEST, CN=jpcard TEST Residence Card Signer (gen 1) - NOT FOR PRODUCTION")
    expect(card.publicKeyDescription).toBe("RSA-2048")
    expect(card.signatureAlgorithm.name).toBe("sha256WithRSAEncryption")
    expect(card.keyUsage).toEqual(["digitalSignature"])
    expect(card.basicConstraints).toEqual({ ca: false })
    expect(card.notAfter.toISOString()).toBe("2039-12-31T23:59:59.000Z")
    expect(card.quirks).toEqual([])
    const gen2 = parsed(Fixtures.residenceGen2CardCertDer)
    expect(gen2.publicKeyDescription).toBe("EC P-384")
    expect(gen2.der.length).toBe(598)
    const ca = parsed(Fixtures.residenceGen1TestCaCertDer)
    expect(ca.basicConstraints?.ca).toBe(true)
    expect(ca.keyUsage).toEqual(["keyCertSign", "crlSign"])
  })

  it("zero padding after the DER is cut and reported", () => {
    const c = parsed(zeroPad(Fixtures.residenceGen1CardCertDer, 1200))
    expect(c.der.length).toBe(Fixtures.residenceGen1CardCertDer.length)
    expect(c.quirks).toEqual([`zero padding after the certificate (${1200 - c.der.length} bytes)`])
    expect(c.sha256).toBe(parsed(Fixtures.residenceGen1CardCertDer).sha256)
  })

  it("PEM text is accepted", () => {
    const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(Fixtures.residenceGen2CardCertDer).toString("base64")}\n-----END CERTIFICATE-----\n`
    expect(parsed(new TextEncoder().encode(pem)).der.length).toBe(598)
  })

  it("typed errors for what is not a certificate", () => {
    const der = Fixtures.residenceGen2CardCertDer
    const cases: ReadonlyArray<Uint8Array> = [
      new Uint8Array(0),
      new TextEncoder().encode("hello, not a certificate"),
      der.subarray(0, 300), // truncated
      der.subarray(0, 4),
      concat(der, Uint8Array.of(0x01, 0x02)), // data after it
      Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01), // a SEQUENCE, not a certificate
      Fixtures.residenceGen1FaceJp2
    ]
    for (const bytes of cases) expect(parse(bytes)).toBeInstanceOf(X509.CertificateParseError)
  })

  it.effect("X509.parse fails with CertificateParseError in the error channel", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(X509.parse(Uint8Array.of(1, 2, 3)))
      expect(error._tag).toBe("CertificateParseError")
      expect(error.message).toContain("not a readable X.509 certificate")
    })
  )
})

describe("real-card quirks, tolerated only when the signature verifies", () => {
  it.effect("a freshly minted certificate verifies (baseline)", () =>
    Effect.gen(function* () {
      const report = yield* verifyWith(gen2Cert())
      expect(report.verdict, report.summary).toBe("verified")
    })
  )

  it.effect("NULL parameters in the ECDSA AlgorithmIdentifier: accepted and reported", () =>
    Effect.gen(function* () {
      const cert = gen2Cert({ nullParams: true })
      expect(parsed(cert).quirks).toContain("NULL parameters in the ECDSA algorithm identifier")
      const report = yield* verifyWith(cert)
      expect(report.verdict, report.summary).toBe("verified")
      expect(report.checks.find((c) => c.object === "residence.gen2.certificate")?.certificate?.quirks).toContain(
        "NULL parameters in the ECDSA algorithm identifier"
      )
    })
  )

  it.effect("BER long-form lengths signed as such: accepted and reported", () =>
    Effect.gen(function* () {
      const cert = gen2Cert({ enc: { ber: true } })
      expect(parsed(cert).quirks).toContain("BER non-minimal length encoding")
      const report = yield* verifyWith(cert)
      expect(report.verdict, report.summary).toBe("verified")
    })
  )

  it.effect("a DER certificate re-encoded with BER lengths (not re-signed) never verifies", () =>
    Effect.gen(function* () {
      // Same content as the DER one, but the signature was made over the DER TBS, not over these bytes.
      const der = gen2Cert()
      const derTbs = D.tbsOf({
        issuer: ca2Name,
        subject: D.name({}, "jpcard TEST minted RC2 signer"),
        publicKey: cardPublic,
        alg: "ecdsa-sha384",
        signer: ca2Key,
        extensions: [D.basicConstraints(false), D.keyUsage([D.KU.digitalSignature])]
      })
      const berTbs = D.tbsOf({
        issuer: ca2Name,
        subject: D.name({ ber: true }, "jpcard TEST minted RC2 signer"),
        publicKey: cardPublic,
        alg: "ecdsa-sha384",
        signer: ca2Key,
        extensions: [D.basicConstraints(false), D.keyUsage([D.KU.digitalSignature])],
        enc: { ber: true }
      })
      const signature = D.signWith("ecdsa-sha384", ca2Key, derTbs)
      const reencoded = D.seq(
        { ber: true },
        berTbs,
        D.algorithmIdentifier("ecdsa-sha384", false, { ber: true }),
        D.bitString(signature)
      )
      expect(parsed(reencoded).subject).toBe(parsed(der).subject)
      const report = yield* verifyWith(reencoded)
      expect(report.verdict).toBe("untrusted-chain")
      expect(report.authentic).toBe(false)
    })
  )

  it.effect("a zero-padded certificate still verifies; non-zero trailing data is malformed", () =>
    Effect.gen(function* () {
      expect((yield* verifyWith(zeroPad(gen2Cert(), 602))).verdict).toBe("verified")
      const bad = concat(gen2Cert(), Uint8Array.of(0, 0, 7))
      const report = yield* verifyWith(bad)
      expect(report.verdict).toBe("malformed")
    })
  )

  it.effect("an inner/outer algorithm mismatch is refused", () =>
    Effect.gen(function* () {
      const tbs = D.tbsOf({
        issuer: ca2Name,
        subject: D.name({}, "x"),
        publicKey: cardPublic,
        alg: "ecdsa-sha256",
        signer: ca2Key
      })
      const cert = D.seq(
        {},
        tbs,
        D.algorithmIdentifier("ecdsa-sha384", false),
        D.bitString(D.signWith("ecdsa-sha384", ca2Key, tbs))
      )
      expect(parse(cert)).toBeInstanceOf(X509.CertificateParseError)
      expect((yield* verifyWith(cert)).verdict).toBe("malformed")
    })
  )
})

describe("chain constraints (every trust failure)", () => {
  it.effect("unknown issuer: no anchor names it", () =>
    Effect.gen(function* () {
      const report = yield* verifyWith(gen2Cert(), [Fixtures.residenceGen1TestCaCertDer])
      expect(report.verdict).toBe("unknown-issuer")
      // The data signature itself is fine: only the chain fails.
      expect(report.checks[0]!.verdict).toBe("verified")
      expect(report.authentic).toBe(false)
    })
  )

  it.effect("untrusted chain: an anchor with the issuer's name but another key", () =>
    Effect.gen(function* () {
      const impostorKey = D.p384KeyPair()
      const impostorCa = D.selfSigned(ca2Name, impostorKey, "ecdsa-sha384", [
        D.basicConstraints(true),
        D.keyUsage([D.KU.keyCertSign, D.KU.cRLSign])
      ])
      const report = yield* verifyWith(gen2Cert(), [impostorCa])
      expect(report.verdict).toBe("untrusted-chain")
      expect(report.checks.find((c) => c.object === "residence.gen2.certificate")?.detail).toContain("does not verify")
    })
  )

  it.effect("untrusted chain: the anchor is not a CA (basicConstraints), or lacks keyCertSign", () =>
    Effect.gen(function* () {
      const key = D.p384KeyPair()
      const anchorName = D.name({}, "jpcard TEST not-a-CA")
      for (const extensions of [
        [D.basicConstraints(false)],
        [D.basicConstraints(true), D.keyUsage([D.KU.digitalSignature])]
      ]) {
        const anchor = D.selfSigned(anchorName, key, "ecdsa-sha384", extensions)
        const leaf = gen2Cert({ issuer: anchorName, signer: key.privateKey })
        const report = yield* verifyWith(leaf, [anchor])
        expect(report.verdict).toBe("untrusted-chain")
        expect(report.checks.find((c) => c.object === "residence.gen2.certificate")?.detail).toContain("cannot issue")
      }
    })
  )

  it.effect("an anchor without extensions is taken as given (trusted explicitly); a CA:FALSE one never issues", () =>
    Effect.gen(function* () {
      const key = D.p384KeyPair()
      const anchorName = D.name({}, "jpcard TEST bare anchor")
      const anchor = D.selfSigned(anchorName, key, "ecdsa-sha384")
      const leaf = gen2Cert({ issuer: anchorName, signer: key.privateKey })
      const report = yield* verifyWith(leaf, [anchor])
      expect(report.verdict, report.summary).toBe("verified")
    })
  )

  it.effect("untrusted chain: an unprocessed critical extension in the leaf", () =>
    Effect.gen(function* () {
      const cert = gen2Cert({
        extensions: [
          D.basicConstraints(false),
          D.keyUsage([D.KU.digitalSignature]),
          D.extension("1.2.3.4.5", true, D.nul)
        ]
      })
      const report = yield* verifyWith(cert)
      expect(report.verdict).toBe("untrusted-chain")
      expect(report.checks.find((c) => c.object === "residence.gen2.certificate")?.detail).toContain("1.2.3.4.5")
    })
  )

  it.effect("untrusted chain: the leaf's keyUsage does not allow signing", () =>
    Effect.gen(function* () {
      const cert = gen2Cert({ extensions: [D.basicConstraints(false), D.keyUsage([D.KU.keyCertSign])] })
      expect((yield* verifyWith(cert)).verdict).toBe("untrusted-chain")
    })
  )

  it.effect("expired and not-yet-valid: reported apart from the cryptographic result", () =>
    Effect.gen(function* () {
      const t = yield* trust
      const input = {
        printedEntries: gen2Entries,
        faceImageValue: gen2Face,
        nameImageValue: gen2Name,
        signature: signed(),
        certificate: Fixtures.residenceGen2CardCertDer
      }
      const late = yield* Residence.verifyGen2(input, t, { at: new Date("2041-06-01T00:00:00Z") })
      expect(late.verdict).toBe("expired")
      expect(late.authentic).toBe(true)
      const leaf = late.checks.find((c) => c.object === "residence.gen2.certificate")!
      expect(leaf.validity?.status).toBe("expired")
      expect(late.checks.find((c) => c.object === "residence.gen2.certificate.anchor")?.validity?.status).toBe("valid")
      const anchorLate = yield* Residence.verifyGen2(input, t, { at: new Date("2044-06-01T00:00:00Z") })
      expect(anchorLate.checks.find((c) => c.object === "residence.gen2.certificate.anchor")?.verdict).toBe("expired")
      const early = yield* Residence.verifyGen2(input, t, { at: new Date("2023-06-01T00:00:00Z") })
      expect(early.verdict).toBe("expired")
      expect(early.checks.find((c) => c.object === "residence.gen2.certificate")?.validity?.status).toBe(
        "not-yet-valid"
      )
    })
  )

  it.effect("an unsupported signature algorithm (RSASSA-PSS) is never verified", () =>
    Effect.gen(function* () {
      const caKey = D.rsaKeyPair()
      const caName = D.name({}, "jpcard TEST PSS CA")
      const ca = D.selfSigned(caName, caKey, "rsa-sha256", [D.basicConstraints(true), D.keyUsage([D.KU.keyCertSign])])
      const tbs = D.tbsOf({
        issuer: caName,
        subject: D.name({}, "leaf"),
        publicKey: cardPublic,
        alg: "rsa-pss",
        signer: caKey.privateKey
      })
      const leaf = D.seq(
        {},
        tbs,
        D.algorithmIdentifier("rsa-pss", true),
        D.bitString(D.signWith("rsa-sha256", caKey.privateKey, tbs))
      )
      const report = yield* verifyWith(leaf, [ca])
      expect(report.verdict).not.toBe("verified")
      expect(report.authentic).toBe(false)
    })
  )
})
