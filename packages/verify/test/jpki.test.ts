// JPKI: the real J-LIS roots, chains with validity and key usage, CRLs with RFC 5280 reasons, card signatures.

import { createHash, sign } from "node:crypto"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Crl, Jpki, type Report, Trust, X509 } from "../src/index.js"
import * as D from "./der.js"
import { at, concat, Fixtures, hex, privateKey } from "./helpers.js"

const sharedTrust = fileURLToPath(new URL("../../../../shared/trust/", import.meta.url))
const pemDer = (file: string) => {
  const pem = readFileSync(`${sharedTrust}jlis-jpki/${file}`, "utf8")
  return Uint8Array.from(Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64"))
}

const simTrust = Trust.customJpkiTrust(
  [
    { name: "sim JPKI auth CA", bytes: Fixtures.myNumberJpkiAuthCaCertDer },
    { name: "sim JPKI sign CA", bytes: Fixtures.myNumberJpkiSignCaCertDer }
  ],
  { label: "jpcard sim" }
)
const authCaKey = D.simKey("mynumber-jpki-auth-ca")
const authCaName = D.nameOf(Fixtures.myNumberJpkiAuthCaCertDer, "subject")
const authSerial = hex("7E57000300000003")
const authKey = privateKey(Fixtures.myNumberJpkiAuthKeyPkcs8Der)
const signKey = privateKey(Fixtures.myNumberJpkiSignKeyPkcs8Der)

describe("the real J-LIS roots in shared/trust/jlis-jpki", () => {
  const files = ["auth_ca_2015.pem", "auth_ca_2023.pem", "sign_ca_2015.pem", "sign_ca_2023.pem"]

  it("parse, match the README fingerprints, and are recognised as the J-LIS roots", () => {
    const readme = readFileSync(`${sharedTrust}README.md`, "utf8")
    for (const file of files) {
      const der = pemDer(file)
      const cert = X509.parseSync(der)
      if (cert instanceof X509.CertificateParseError) throw cert
      const name = file.replace(".pem", "")
      expect(readme).toContain(`${name} \`${cert.sha256.toUpperCase()}\``)
      expect(cert.subject).toContain("O=JPKI")
      expect(cert.subject).toBe(cert.issuer)
      expect(cert.publicKeyDescription).toBe("RSA-2048")
      expect(cert.basicConstraints?.ca).toBe(true)
      expect(cert.keyUsage).toEqual(["keyCertSign", "crlSign"])
      const root = Trust.recogniseJlisRoot(der)
      expect(root?.name).toBe(name)
      expect(root?.purpose).toBe(name.startsWith("auth") ? "authentication" : "signature")
      // PEM text is recognised too.
      expect(Trust.recogniseJlisRoot(readFileSync(`${sharedTrust}jlis-jpki/${file}`))?.name).toBe(name)
    }
    expect(Trust.recogniseJlisRoot(Fixtures.myNumberJpkiAuthCaCertDer)).toBeUndefined()
    expect(Trust.jlisRoots.length).toBe(4)
  })

  it.effect("each root's self-signature verifies; the 2015 roots have expired, the 2023 ones have not", () =>
    Effect.gen(function* () {
      const now = new Date("2026-06-01T00:00:00Z")
      for (const file of files) {
        const report = yield* Jpki.verifyCertificate({ certificate: pemDer(file) }, Trust.jlisTrust(), {
          at: now
        })
        // A root is not a user certificate (its keyUsage is keyCertSign), so as a leaf it is refused…
        expect(report.verdict).toBe("untrusted-chain")
      }
      const trust = Trust.jlisTrust()
      for (const anchor of trust.anchors) {
        const c = anchor.certificate
        const self = yield* Effect.promise(() => X509.verifySignedObject(c, c.publicKey!))
        expect(self.ok, anchor.ref.name).toBe(true)
        expect(anchor.ref.source).toBe("embedded")
        expect(anchor.ref.profile).toBe("production")
        expect(c.notAfter > now).toBe(anchor.ref.name.endsWith("2023"))
      }
    })
  )

  it.effect("the simulator's JPKI-like certificates do not chain to the J-LIS roots", () =>
    Effect.gen(function* () {
      const report = yield* Jpki.verifyCertificate(
        { certificate: Fixtures.myNumberJpkiAuthCertDer },
        Trust.jlisTrust(),
        { at }
      )
      expect(report.verdict).toBe("unknown-issuer")
    })
  )
})

describe("JPKI certificates under the simulator's test PKI (custom anchors)", () => {
  it.effect("authentication and signature certificates verify, with purposes checked", () =>
    Effect.gen(function* () {
      const trust = yield* simTrust
      const auth = yield* Jpki.verifyCertificate(
        {
          certificate: Fixtures.myNumberJpkiAuthCertDer,
          purpose: "authentication",
          intermediates: [Fixtures.myNumberJpkiAuthCaCertDer]
        },
        trust,
        { at }
      )
      expect(auth.verdict, auth.summary).toBe("verified")
      expect(auth.anchor?.profile).toBe("custom")
      expect(auth.notes).toEqual(["revocation not checked: no CRL was supplied"])
      const sig = yield* Jpki.verifyCertificate(
        { certificate: Fixtures.myNumberJpkiSignCertDer, purpose: "signature" },
        trust,
        { at }
      )
      expect(sig.verdict, sig.summary).toBe("verified")
      // Wrong purpose: the key usage says no.
      const wrong = yield* Jpki.verifyCertificate(
        { certificate: Fixtures.myNumberJpkiSignCertDer, purpose: "authentication" },
        trust,
        {
          at
        }
      )
      expect(wrong.verdict).toBe("untrusted-chain")
      expect(wrong.checks[0]!.detail).toContain("keyUsage")
    })
  )

  it.effect("expired at the checked time, reported apart", () =>
    Effect.gen(function* () {
      const trust = yield* simTrust
      const report = yield* Jpki.verifyCertificate({ certificate: Fixtures.myNumberJpkiAuthCertDer }, trust, {
        at: new Date("2040-06-01T00:00:00Z")
      })
      expect(report.verdict).toBe("expired")
      expect(report.authentic).toBe(true)
    })
  )

  it.effect("a path through an intermediate, which is checked but never trusted by itself", () =>
    Effect.gen(function* () {
      const rootKey = D.rsaKeyPair()
      const midKey = D.rsaKeyPair()
      const leafKey = D.rsaKeyPair()
      const rootName = D.name({}, "jpcard TEST root")
      const midName = D.name({}, "jpcard TEST intermediate")
      const caExt = [D.basicConstraints(true), D.keyUsage([D.KU.keyCertSign, D.KU.cRLSign])]
      const root = D.selfSigned(rootName, rootKey, "rsa-sha256", caExt)
      const mid = D.certificate({
        issuer: rootName,
        subject: midName,
        publicKey: midKey.publicKey,
        alg: "rsa-sha256",
        signer: rootKey.privateKey,
        extensions: caExt
      })
      const leaf = D.certificate({
        issuer: midName,
        subject: D.name({}, "jpcard TEST leaf"),
        publicKey: leafKey.publicKey,
        alg: "rsa-sha256",
        signer: midKey.privateKey,
        extensions: [D.keyUsage([D.KU.digitalSignature])]
      })
      const trust = yield* Trust.customJpkiTrust([root])
      const ok = yield* Jpki.verifyCertificate({ certificate: leaf, intermediates: [mid] }, trust, { at })
      expect(ok.verdict, ok.summary).toBe("verified")
      expect(ok.checks.map((c) => c.object)).toEqual([
        "jpki.certificate",
        "jpki.certificate.intermediate[0]",
        "jpki.certificate.anchor"
      ])
      expect((yield* Jpki.verifyCertificate({ certificate: leaf }, trust, { at })).verdict).toBe("unknown-issuer")
      // The intermediate alone is not an anchor.
      const midOnly = yield* Trust.customJpkiTrust([mid])
      expect(
        (yield* Jpki.verifyCertificate({ certificate: leaf, intermediates: [mid] }, { ...trust, anchors: [] }, { at }))
          .verdict
      ).toBe("unknown-issuer")
      void midOnly
      // An intermediate that is not a CA (CA:FALSE, or no basicConstraints at all) breaks the path.
      for (const extensions of [[D.basicConstraints(false)], []]) {
        const notCa = D.certificate({
          issuer: rootName,
          subject: midName,
          publicKey: midKey.publicKey,
          alg: "rsa-sha256",
          signer: rootKey.privateKey,
          extensions
        })
        const report = yield* Jpki.verifyCertificate({ certificate: leaf, intermediates: [notCa] }, trust, { at })
        expect(report.verdict).not.toBe("verified")
        expect(report.authentic).toBe(false)
      }
    })
  )

  it.effect("an issuer found among the intermediates that may not issue: untrusted-chain, never verified", () =>
    Effect.gen(function* () {
      const rootKey = D.rsaKeyPair()
      const midKey = D.rsaKeyPair()
      const bKey = D.rsaKeyPair()
      const rootName = D.name({}, "jpcard TEST issuing root")
      const midName = D.name({}, "jpcard TEST issuing intermediate")
      const bName = D.name({}, "jpcard TEST issuing B")
      const caExt = [D.basicConstraints(true), D.keyUsage([D.KU.keyCertSign, D.KU.cRLSign])]
      const root = D.selfSigned(rootName, rootKey, "rsa-sha256", caExt)
      const mid = (extensions: ReadonlyArray<Uint8Array>, serial = 0x20) =>
        D.certificate({
          serial,
          issuer: rootName,
          subject: midName,
          publicKey: midKey.publicKey,
          alg: "rsa-sha256",
          signer: rootKey.privateKey,
          extensions
        })
      const leaf = D.certificate({
        issuer: midName,
        subject: D.name({}, "jpcard TEST issuing leaf"),
        publicKey: D.rsaKeyPair().publicKey,
        alg: "rsa-sha256",
        signer: midKey.privateKey,
        extensions: [D.keyUsage([D.KU.digitalSignature])]
      })
      const crl = D.crl({
        issuer: midName,
        thisUpdate: new Date("2029-12-01T00:00:00Z"),
        nextUpdate: new Date("2030-02-01T00:00:00Z"),
        signer: midKey.privateKey
      })
      const trust = yield* Trust.customJpkiTrust([root])
      const verify = (intermediates: ReadonlyArray<Uint8Array>) =>
        Jpki.verifyCertificate({ certificate: leaf, intermediates, crl }, trust, { at })
      const refused = (report: Report.Report, subject: string, why: string) => {
        expect(report.verdict, report.summary).toBe("untrusted-chain")
        expect(report.authentic).toBe(false)
        expect(report.anchor).toBeUndefined()
        expect(report.checks.filter((c) => c.verdict === "verified")).toEqual([])
        const detail = report.checks[0]!.detail ?? ""
        expect(detail).toContain(`the issuer certificate ${subject} was found among the intermediates`)
        expect(detail).toContain("not allowed to issue certificates")
        expect(detail).toContain(why)
        expect(detail).toContain("supply the certificate of the CA that issued this one")
      }
      for (const [extensions, why] of [
        [[D.basicConstraints(false)], "basicConstraints says it is not a CA"],
        [[], "no basicConstraints extension"],
        [[D.basicConstraints(true), D.keyUsage([D.KU.digitalSignature, D.KU.cRLSign])], "lacks keyCertSign"]
      ] as const) {
        refused(yield* verify([mid(extensions)]), "C=JP, O=jpcard TEST, CN=jpcard TEST issuing intermediate", why)
        // The issuing CA's own certificate next to it: the path goes through that one.
        const good = yield* verify([mid(extensions), mid(caExt, 0x21)])
        expect(good.verdict, good.summary).toBe("verified")
      }
      // Further up: root → B (not a CA) → A (a CA) → leaf. A verifies the leaf, but B may not issue A.
      const b = D.certificate({
        serial: 0x30,
        issuer: rootName,
        subject: bName,
        publicKey: bKey.publicKey,
        alg: "rsa-sha256",
        signer: rootKey.privateKey,
        extensions: [D.basicConstraints(false)]
      })
      const aUnderB = D.certificate({
        serial: 0x31,
        issuer: bName,
        subject: midName,
        publicKey: midKey.publicKey,
        alg: "rsa-sha256",
        signer: bKey.privateKey,
        extensions: caExt
      })
      refused(yield* verify([aUnderB, b]), "C=JP, O=jpcard TEST, CN=jpcard TEST issuing B", "not a CA")
      // More refused certificates than the 64 signature checks: none spends one, and the real path is still found.
      const decoys = Array.from({ length: 70 }, (_, i) => mid([D.basicConstraints(false)], 0x100 + i))
      refused(yield* verify(decoys), "C=JP, O=jpcard TEST, CN=jpcard TEST issuing intermediate", "not a CA")
      expect((yield* verify([...decoys, mid(caExt, 0x21)])).verdict).toBe("verified")
    })
  )

  it.effect("unknown-issuer names the issuer the chain stopped at, not the leaf's, when intermediates verified", () =>
    Effect.gen(function* () {
      const rootKey = D.rsaKeyPair()
      const midKey = D.rsaKeyPair()
      const rootName = D.name({}, "jpcard TEST unanchored root")
      const midName = D.name({}, "jpcard TEST unanchored intermediate")
      const mid = D.certificate({
        serial: 0x40,
        issuer: rootName,
        subject: midName,
        publicKey: midKey.publicKey,
        alg: "rsa-sha256",
        signer: rootKey.privateKey,
        extensions: [D.basicConstraints(true), D.keyUsage([D.KU.keyCertSign, D.KU.cRLSign])]
      })
      const leaf = D.certificate({
        issuer: midName,
        subject: D.name({}, "jpcard TEST unanchored leaf"),
        publicKey: D.rsaKeyPair().publicKey,
        alg: "rsa-sha256",
        signer: midKey.privateKey,
        extensions: [D.keyUsage([D.KU.digitalSignature])]
      })
      const trust = yield* simTrust
      const through = yield* Jpki.verifyCertificate({ certificate: leaf, intermediates: [mid] }, trust, { at })
      expect(through.verdict).toBe("unknown-issuer")
      const detail = through.checks[0]!.detail ?? ""
      expect(detail).toContain("no trust anchor names the issuer C=JP, O=jpcard TEST, CN=jpcard TEST unanchored root")
      expect(detail).toContain("of C=JP, O=jpcard TEST, CN=jpcard TEST unanchored intermediate")
      // Without the intermediate, the leaf's own issuer is the one named.
      const alone = yield* Jpki.verifyCertificate({ certificate: leaf }, trust, { at })
      expect(alone.checks[0]!.detail).toBe(
        "no trust anchor names the issuer C=JP, O=jpcard TEST, CN=jpcard TEST unanchored intermediate"
      )
    })
  )

  it.effect("a certificate that is not one is malformed", () =>
    Effect.gen(function* () {
      const trust = yield* simTrust
      const report = yield* Jpki.verifyCertificate(
        { certificate: Fixtures.myNumberJpkiAuthCertDer.subarray(0, 100) },
        trust,
        { at }
      )
      expect(report.verdict).toBe("malformed")
    })
  )
})

describe("revocation (CRL supplied by the user)", () => {
  const crlOf = (spec: Partial<D.CrlSpec>) =>
    D.crl({
      issuer: authCaName,
      thisUpdate: new Date("2029-12-01T00:00:00Z"),
      nextUpdate: new Date("2030-02-01T00:00:00Z"),
      signer: authCaKey,
      ...spec
    })

  it.effect("listed: revoked, with the RFC 5280 reason and date", () =>
    Effect.gen(function* () {
      const trust = yield* simTrust
      const crl = crlOf({ revoked: [{ serial: authSerial, date: new Date("2029-11-30T10:00:00Z"), reason: 1 }] })
      const report = yield* Jpki.verifyCertificate({ certificate: Fixtures.myNumberJpkiAuthCertDer, crl }, trust, {
        at
      })
      expect(report.verdict).toBe("revoked")
      const revocation = report.checks.find((c) => c.object === "jpki.revocation")!
      expect(revocation.revocation).toEqual({
        revokedAt: "2029-11-30T10:00:00.000Z",
        reason: "keyCompromise",
        reasonCode: 1
      })
      expect(report.notes).toBeUndefined()
      // No reason extension: unspecified.
      const plain = crlOf({ revoked: [{ serial: authSerial, date: new Date("2029-11-30T10:00:00Z") }] })
      const r2 = yield* Jpki.verifyCertificate({ certificate: Fixtures.myNumberJpkiAuthCertDer, crl: plain }, trust, {
        at
      })
      expect(r2.checks.find((c) => c.object === "jpki.revocation")?.revocation?.reason).toBe("unspecified")
      // certificateHold (6) is a revocation too.
      const hold = crlOf({ revoked: [{ serial: authSerial, date: new Date("2029-11-30T10:00:00Z"), reason: 6 }] })
      const r3 = yield* Jpki.verifyCertificate({ certificate: Fixtures.myNumberJpkiAuthCertDer, crl: hold }, trust, {
        at
      })
      expect(r3.verdict).toBe("revoked")
    })
  )

  it.effect("not listed: verified; a stale CRL is reported as expired", () =>
    Effect.gen(function* () {
      const trust = yield* simTrust
      const crl = crlOf({
        revoked: [{ serial: hex("7E57000300000099"), date: new Date("2029-11-30T10:00:00Z"), reason: 4 }]
      })
      const parsed = yield* Crl.parse(crl)
      expect(parsed.entries.size).toBe(1)
      const report = yield* Jpki.verifyCertificate(
        { certificate: Fixtures.myNumberJpkiAuthCertDer, crl: parsed },
        trust,
        { at }
      )
      expect(report.verdict, report.summary).toBe("verified")
      const stale = yield* Jpki.verifyCertificate({ certificate: Fixtures.myNumberJpkiAuthCertDer, crl }, trust, {
        at: new Date("2030-03-01T00:00:00Z")
      })
      expect(stale.verdict).toBe("expired")
    })
  )

  it.effect("a CRL not signed by the certificate's issuer is not trusted", () =>
    Effect.gen(function* () {
      const trust = yield* simTrust
      const forged = crlOf({ signer: D.rsaKeyPair().privateKey })
      const a = yield* Jpki.verifyCertificate({ certificate: Fixtures.myNumberJpkiAuthCertDer, crl: forged }, trust, {
        at
      })
      expect(a.verdict).toBe("untrusted-chain")
      const otherIssuer = crlOf({
        issuer: D.nameOf(Fixtures.myNumberJpkiSignCaCertDer, "subject"),
        signer: D.simKey("mynumber-jpki-sign-ca")
      })
      const b = yield* Jpki.verifyCertificate(
        { certificate: Fixtures.myNumberJpkiAuthCertDer, crl: otherIssuer },
        trust,
        { at }
      )
      expect(b.verdict).toBe("untrusted-chain")
    })
  )

  it.effect("a CRL that does not parse is a typed error", () =>
    Effect.gen(function* () {
      const trust = yield* simTrust
      for (const crl of [
        new Uint8Array(0),
        hex("300100"),
        Fixtures.myNumberJpkiAuthCertDer,
        crlOf({}).subarray(0, 50)
      ]) {
        const error = yield* Effect.flip(
          Jpki.verifyCertificate({ certificate: Fixtures.myNumberJpkiAuthCertDer, crl }, trust, { at })
        )
        expect(error._tag).toBe("CrlParseError")
      }
      expect((yield* Effect.flip(Crl.parse(hex("01")))).message).toContain("not a readable X.509 CRL")
    })
  )
})

describe("CRL scope and reasons: never 'not revoked' from a CRL that cannot say so (RFC 5280 §5.2.5, §6.3.3)", () => {
  const listed = [{ serial: authSerial, date: new Date("2029-11-30T10:00:00Z"), reason: 1 }]
  const crlOf = (extensions: ReadonlyArray<Uint8Array>, revoked: D.CrlSpec["revoked"] = [], issuer = authCaName) =>
    D.crl({
      issuer,
      thisUpdate: new Date("2029-12-01T00:00:00Z"),
      nextUpdate: new Date("2030-02-01T00:00:00Z"),
      signer: authCaKey,
      revoked,
      extensions
    })
  const revocationOf = (report: { readonly checks: ReadonlyArray<{ readonly object: string }> }) =>
    report.checks.find((c) => c.object === "jpki.revocation") as
      | {
          readonly verdict: string
          readonly authentic: boolean
          readonly detail?: string
          readonly revocation?: unknown
        }
      | undefined
  const check = (crl: Uint8Array, certificate: Uint8Array = Fixtures.myNumberJpkiAuthCertDer) =>
    Effect.flatMap(simTrust, (trust) => Jpki.verifyCertificate({ certificate, crl }, trust, { at }))

  it.effect("a partition that does not cover an end-entity certificate: revocation-unknown, listed or not", () =>
    Effect.gen(function* () {
      for (const [idp, why] of [
        [{ onlyContainsCACerts: true }, "onlyContainsCACerts"],
        [{ onlyContainsAttributeCerts: true }, "onlyContainsAttributeCerts"],
        [{ indirectCRL: true }, "indirectCRL"]
      ] as const) {
        for (const revoked of [[], listed]) {
          const report = yield* check(crlOf([D.issuingDistributionPoint(idp)], revoked))
          expect(report.verdict, `${why} ${revoked.length}`).toBe("revocation-unknown")
          expect(report.authentic).toBe(true)
          const r = revocationOf(report)!
          expect(r.verdict).toBe("revocation-unknown")
          expect(r.revocation).toBeUndefined()
          expect(r.detail).toContain(why)
          expect(r.detail).toContain("supply")
          expect(report.summary).toContain("revocation-unknown")
        }
      }
    })
  )

  it.effect("a partition that covers the certificate is used: onlyContainsUserCerts for an end-entity", () =>
    Effect.gen(function* () {
      const idp = D.issuingDistributionPoint({ onlyContainsUserCerts: true })
      expect((yield* check(crlOf([idp]))).verdict).toBe("verified")
      const revoked = yield* check(crlOf([idp], listed))
      expect(revoked.verdict).toBe("revoked")
      expect(revocationOf(revoked)?.revocation).toEqual({
        revokedAt: "2029-11-30T10:00:00.000Z",
        reason: "keyCompromise",
        reasonCode: 1
      })
      const parsed = yield* Crl.parse(crlOf([idp]))
      expect(parsed.issuingDistributionPoint?.onlyContainsUserCerts).toBe(true)
      expect(parsed.issuingDistributionPoint?.onlyContainsCACerts).toBe(false)
    })
  )

  it.effect("onlyContainsUserCerts for a CA certificate, onlyContainsCACerts covering it", () =>
    Effect.gen(function* () {
      const rootKey = D.rsaKeyPair()
      const subKey = D.rsaKeyPair()
      const rootName = D.name({}, "jpcard TEST scope root")
      const root = D.selfSigned(rootName, rootKey, "rsa-sha256", [
        D.basicConstraints(true),
        D.keyUsage([D.KU.keyCertSign, D.KU.cRLSign])
      ])
      // A CA certificate checked as the leaf (its keyUsage allows digitalSignature too).
      const sub = D.certificate({
        serial: 0x77,
        issuer: rootName,
        subject: D.name({}, "jpcard TEST scope sub-CA"),
        publicKey: subKey.publicKey,
        alg: "rsa-sha256",
        signer: rootKey.privateKey,
        extensions: [D.basicConstraints(true), D.keyUsage([D.KU.digitalSignature, D.KU.keyCertSign])]
      })
      const trust = yield* Trust.customJpkiTrust([root])
      const crl = (idp: D.IdpSpec) =>
        D.crl({
          issuer: rootName,
          thisUpdate: new Date("2029-12-01T00:00:00Z"),
          nextUpdate: new Date("2030-02-01T00:00:00Z"),
          signer: rootKey.privateKey,
          extensions: [D.issuingDistributionPoint(idp)]
        })
      const user = yield* Jpki.verifyCertificate(
        { certificate: sub, crl: crl({ onlyContainsUserCerts: true }) },
        trust,
        {
          at
        }
      )
      expect(user.verdict, user.summary).toBe("revocation-unknown")
      expect(revocationOf(user)?.detail).toContain("onlyContainsUserCerts")
      const ca = yield* Jpki.verifyCertificate({ certificate: sub, crl: crl({ onlyContainsCACerts: true }) }, trust, {
        at
      })
      expect(ca.verdict, ca.summary).toBe("verified")
    })
  )

  it.effect("onlySomeReasons: listed is revoked, not listed is revocation-unknown", () =>
    Effect.gen(function* () {
      const idp = D.issuingDistributionPoint({ onlySomeReasons: 0x40 }) // keyCompromise
      expect((yield* Crl.parse(crlOf([idp]))).issuingDistributionPoint?.onlySomeReasons).toEqual(["keyCompromise"])
      const notListed = yield* check(crlOf([idp]))
      expect(notListed.verdict).toBe("revocation-unknown")
      expect(revocationOf(notListed)?.detail).toContain("onlySomeReasons: keyCompromise")
      expect((yield* check(crlOf([idp], listed))).verdict).toBe("revoked")
    })
  )

  it.effect("the CRL's distribution point must be one the certificate names (§6.3.3 (b)(1))", () =>
    Effect.gen(function* () {
      const leafKey = D.rsaKeyPair()
      const leaf = (extensions: ReadonlyArray<Uint8Array>) =>
        D.certificate({
          serial: 0x42,
          issuer: authCaName,
          subject: D.name({}, "jpcard TEST dp leaf"),
          publicKey: leafKey.publicKey,
          alg: "rsa-sha256",
          signer: authCaKey,
          extensions: [D.keyUsage([D.KU.digitalSignature]), ...extensions]
        })
      const withDp = leaf([D.crlDistributionPoints("http://crl.example/a.crl", "ldap://crl.example/b")])
      const dp = (...fullName: ReadonlyArray<string>) => D.issuingDistributionPoint({ fullName })
      expect((yield* check(crlOf([dp("ldap://crl.example/b")]), withDp)).verdict).toBe("verified")
      const listedLeaf = [{ serial: Uint8Array.of(0x42), date: new Date("2029-11-30T10:00:00Z") }]
      expect((yield* check(crlOf([dp("http://crl.example/a.crl")], listedLeaf), withDp)).verdict).toBe("revoked")
      for (const [crl, certificate] of [
        [crlOf([dp("http://crl.example/other.crl")]), withDp],
        [crlOf([dp("http://crl.example/other.crl")], listedLeaf), withDp],
        [crlOf([dp("http://crl.example/a.crl")]), leaf([])]
      ] as const) {
        const report = yield* check(crl, certificate)
        expect(report.verdict, report.summary).toBe("revocation-unknown")
        expect(revocationOf(report)?.detail).toContain("cRLDistributionPoints")
      }
      // A CRL without issuingDistributionPoint is complete: it covers every distribution point.
      expect((yield* check(crlOf([]), withDp)).verdict).toBe("verified")
    })
  )

  // A leaf of the simulator's authentication CA with the given cRLDistributionPoints (or other extensions).
  const dpLeafKey = D.rsaKeyPair()
  const dpLeaf = (...extensions: ReadonlyArray<Uint8Array>) =>
    D.certificate({
      serial: 0x43,
      issuer: authCaName,
      subject: D.name({}, "jpcard TEST dp reasons leaf"),
      publicKey: dpLeafKey.publicKey,
      alg: "rsa-sha256",
      signer: authCaKey,
      extensions: [D.keyUsage([D.KU.digitalSignature]), ...extensions]
    })
  const dpListed = (reason: number) => [{ serial: Uint8Array.of(0x43), date: new Date("2029-11-30T10:00:00Z"), reason }]
  const { keyCompromise, cACompromise, superseded } = D.Reason
  const otherReasons = D.allReasonBits.filter((r) => r !== keyCompromise && r !== cACompromise)
  const a = "http://crl.example/a.crl"
  const b = "http://crl.example/b.crl"

  it.effect("the certificate's distribution point reasons bound what a CRL covers (§6.3.3 (d))", () =>
    Effect.gen(function* () {
      // One distribution point for keyCompromise only: a complete CRL (no issuingDistributionPoint) taken for it
      // covers keyCompromise only, so not being listed is not "not revoked".
      const kcOnly = dpLeaf(D.crlDistributionPointsOf({ fullName: [D.uri(a)], reasons: [keyCompromise] }))
      const notListed = yield* check(crlOf([]), kcOnly)
      expect(notListed.verdict, notListed.summary).toBe("revocation-unknown")
      expect(notListed.authentic).toBe(true)
      const r = revocationOf(notListed)!
      expect(r.detail).toContain("distribution point reasons: keyCompromise")
      expect(r.detail).toContain("supply")
      expect(r.revocation).toBeUndefined()
      expect((yield* check(crlOf([], dpListed(keyCompromise)), kcOnly)).verdict).toBe("revoked")
      // Listed with a reason outside the mask: the issuer signed that it is revoked (§6.3.3 (j)).
      expect((yield* check(crlOf([], dpListed(superseded)), kcOnly)).verdict).toBe("revoked")
      // The same CRL named for that distribution point, with onlySomeReasons: the intersection.
      const kcAndCa = crlOf([
        D.issuingDistributionPoint({ fullName: [a], onlySomeReasonBits: [keyCompromise, cACompromise] })
      ])
      const both = revocationOf(yield* check(kcAndCa, kcOnly))!
      expect(both.verdict).toBe("revocation-unknown")
      expect(both.detail).toContain("(keyCompromise;")
      expect(both.detail).toContain("onlySomeReasons: keyCompromise, cACompromise")
      // No reason in common: the CRL covers nothing for this certificate.
      const caOnly = crlOf([D.issuingDistributionPoint({ fullName: [a], onlySomeReasonBits: [cACompromise] })])
      expect(revocationOf(yield* check(caOnly, kcOnly))?.detail).toContain("(none;")
      // Reasons given in full, on both sides: all reasons, the CRL decides.
      const all = dpLeaf(D.crlDistributionPointsOf({ fullName: [D.uri(a)], reasons: D.allReasonBits }))
      const allCrl = crlOf([D.issuingDistributionPoint({ fullName: [a], onlySomeReasonBits: D.allReasonBits })])
      expect((yield* check(allCrl, all)).verdict).toBe("verified")
      // onlySomeReasons naming every reason covers every reason (it was read as partial before).
      expect((yield* check(crlOf([D.issuingDistributionPoint({ onlySomeReasonBits: D.allReasonBits })]))).verdict).toBe(
        "verified"
      )
    })
  )

  it.effect("several distribution points: the CRL is taken for those it matches, their reasons joined", () =>
    Effect.gen(function* () {
      const split = dpLeaf(
        D.crlDistributionPointsOf(
          { fullName: [D.uri(a)], reasons: [keyCompromise, cACompromise] },
          { fullName: [D.uri(b)], reasons: otherReasons }
        )
      )
      const verdict = function* (crl: Uint8Array) {
        return (yield* check(crl, split)).verdict
      }
      // No issuingDistributionPoint: the CRL is for both points, which together name every reason.
      expect(yield* verdict(crlOf([]))).toBe("verified")
      // Named for A (or B) only: that point's reasons only.
      expect(yield* verdict(crlOf([D.issuingDistributionPoint({ fullName: [a] })]))).toBe("revocation-unknown")
      expect(yield* verdict(crlOf([D.issuingDistributionPoint({ fullName: [b] })]))).toBe("revocation-unknown")
      expect(yield* verdict(crlOf([D.issuingDistributionPoint({ fullName: [a] })], dpListed(keyCompromise)))).toBe(
        "revoked"
      )
      // Named for both: every reason.
      expect(yield* verdict(crlOf([D.issuingDistributionPoint({ fullName: [b, a] })]))).toBe("verified")
      // A point whose CRLs come from another issuer (cRLIssuer) is not one a direct CRL is for.
      const elsewhere = dpLeaf(
        D.crlDistributionPointsOf({
          fullName: [D.uri(a)],
          crlIssuer: [D.directoryName(D.name({}, "other CRL issuer"))]
        })
      )
      const indirect = yield* check(crlOf([]), elsewhere)
      expect(indirect.verdict).toBe("revocation-unknown")
      expect(revocationOf(indirect)?.detail).toContain("cRLIssuer")
      // An unreadable cRLDistributionPoints extension: its reasons are unknown.
      const unreadable = yield* check(crlOf([]), dpLeaf(D.extension("2.5.29.31", false, D.nul)))
      expect(unreadable.verdict).toBe("revocation-unknown")
      expect(revocationOf(unreadable)?.detail).toContain("cannot be read")
      // An empty cRLDistributionPoints (SEQUENCE of none): no point, no CRL known to cover it, said as such.
      const empty = yield* check(crlOf([]), dpLeaf(D.extension("2.5.29.31", false, D.seq({}))))
      expect(empty.verdict).toBe("revocation-unknown")
      expect(revocationOf(empty)?.detail).toContain("names no distribution point")
    })
  )

  it.effect("distribution point names compare as RFC 5280 §7 says, not byte for byte", () =>
    Effect.gen(function* () {
      const withDp = (...fullName: ReadonlyArray<Uint8Array>) => dpLeaf(D.crlDistributionPointsOf({ fullName }))
      const named = (...names: ReadonlyArray<Uint8Array>) => crlOf([D.issuingDistributionPoint({ names })])
      const cases: ReadonlyArray<readonly [Uint8Array, Uint8Array, string]> = [
        // §7.4: scheme and host without regard to case, the rest exactly.
        [D.uri("HTTP://CRL.Example:8080/a.crl"), D.uri("http://crl.example:8080/a.crl"), "verified"],
        [D.uri("ldap://DIR.example/CN=CRL1,O=JPKI"), D.uri("ldap://dir.example/CN=CRL1,O=JPKI"), "verified"],
        [D.uri("http://crl.example/A.crl"), D.uri("http://crl.example/a.crl"), "revocation-unknown"],
        [D.uri("ldap://dir.example/cn=crl1,o=jpki"), D.uri("ldap://dir.example/CN=CRL1,O=JPKI"), "revocation-unknown"],
        // §7.1: same types in the same order, values prepared (case, spaces, NFKC), whatever the string type.
        [
          D.directoryName(
            D.dn([D.atv("2.5.4.6", "JP", 0x13)], [D.atv("2.5.4.10", "JPKI")], [D.atv("2.5.4.3", "CRL  DP 1")])
          ),
          D.directoryName(
            D.dn([D.atv("2.5.4.6", "jp")], [D.atv("2.5.4.10", "ＪＰＫＩ")], [D.atv("2.5.4.3", " crl dp 1 ", 0x13)])
          ),
          "verified"
        ],
        [
          D.directoryName(D.dn([D.atv("2.5.4.6", "JP")], [D.atv("2.5.4.10", "JPKI")])),
          D.directoryName(D.dn([D.atv("2.5.4.10", "JPKI")], [D.atv("2.5.4.6", "JP")])),
          "revocation-unknown"
        ],
        // Other forms: exactly.
        [D.dnsName("crl.example"), D.dnsName("crl.example"), "verified"],
        [D.dnsName("crl.example"), D.uri("crl.example"), "revocation-unknown"]
      ]
      for (const [certName, crlName, expected] of cases) {
        const report = yield* check(named(crlName), withDp(certName))
        expect(report.verdict, `${Buffer.from(certName).toString("hex")} ${report.summary}`).toBe(expected)
      }
      // A listed serial is read once the names match.
      const listedUnderOtherCase = crlOf(
        [D.issuingDistributionPoint({ names: [D.uri("http://crl.example:8080/a.crl")] })],
        dpListed(keyCompromise)
      )
      expect((yield* check(listedUnderOtherCase, withDp(D.uri("HTTP://CRL.EXAMPLE:8080/a.crl")))).verdict).toBe(
        "revoked"
      )
    })
  )

  it.effect("nameRelativeToCRLIssuer: the issuer's name with the RDN appended (§4.2.1.13, §5.2.5)", () =>
    Effect.gen(function* () {
      const cn = (v: string) => D.atv("2.5.4.3", v)
      const full = D.directoryName(D.appendRdn(authCaName, cn("CRL1")))
      const relativeLeaf = (v: string) => dpLeaf(D.crlDistributionPointsOf({ relative: [cn(v)] }))
      const relativeCrl = (v: string, revoked: D.CrlSpec["revoked"] = []) =>
        crlOf([D.issuingDistributionPoint({ relative: [cn(v)] })], revoked)
      // Relative on the CRL, full on the certificate, and the reverse; relative on both.
      expect((yield* check(relativeCrl("crl1"), dpLeaf(D.crlDistributionPointsOf({ fullName: [full] })))).verdict).toBe(
        "verified"
      )
      expect((yield* check(crlOf([D.issuingDistributionPoint({ names: [full] })]), relativeLeaf("CRL1"))).verdict).toBe(
        "verified"
      )
      expect((yield* check(relativeCrl("CRL1"), relativeLeaf("CRL1"))).verdict).toBe("verified")
      expect((yield* check(relativeCrl("CRL1", dpListed(1)), relativeLeaf("CRL1"))).verdict).toBe("revoked")
      // Another RDN: another distribution point.
      const other = yield* check(relativeCrl("CRL2", dpListed(1)), relativeLeaf("CRL1"))
      expect(other.verdict).toBe("revocation-unknown")
      expect(revocationOf(other)?.revocation).toBeUndefined()
      // A certificate without cRLDistributionPoints: its one implied point is its issuer's name (§6.3.3).
      expect(
        (yield* check(crlOf([D.issuingDistributionPoint({ names: [D.directoryName(authCaName)] })]))).verdict
      ).toBe("verified")
      expect((yield* check(relativeCrl("CRL1"))).verdict).toBe("revocation-unknown")
    })
  )

  it.effect("a delta CRL is not processed: revocation-unknown (§5.2.4)", () =>
    Effect.gen(function* () {
      const crl = crlOf([D.deltaCrlIndicator(7)])
      expect((yield* Crl.parse(crl)).delta).toBe(true)
      const report = yield* check(crl)
      expect(report.verdict).toBe("revocation-unknown")
      expect(revocationOf(report)?.detail).toContain("delta CRL")
    })
  )

  it.effect("removeFromCRL (8) in a complete CRL: revocation-unknown, never 'not revoked' (§5.3.1)", () =>
    Effect.gen(function* () {
      const report = yield* check(
        crlOf([], [{ serial: authSerial, date: new Date("2029-11-30T10:00:00Z"), reason: 8 }])
      )
      expect(report.verdict).toBe("revocation-unknown")
      const r = revocationOf(report)!
      expect(r.detail).toContain("removeFromCRL")
      expect(r.revocation).toBeUndefined()
      // Another certificate's removeFromCRL entry does not concern this one.
      const other = yield* check(
        crlOf([], [{ serial: hex("7E57000300000099"), date: new Date("2029-11-30T10:00:00Z"), reason: 8 }])
      )
      expect(other.verdict).toBe("verified")
    })
  )
})

describe("a CRL without nextUpdate (RFC 5280 §5.1.2.5 requires one)", () => {
  // The ASN.1 schema took the field after thisUpdate for the missing nextUpdate and dropped it: a listed serial or a
  // crlExtension (issuingDistributionPoint, deltaCRLIndicator, an unknown critical one) vanished without a word.
  it.effect("followed by revoked entries or extensions: a CrlParseError, never a CRL that lost them", () =>
    Effect.gen(function* () {
      const base = { issuer: authCaName, thisUpdate: new Date("2029-12-01T00:00:00Z"), signer: authCaKey }
      const revoked = [{ serial: authSerial, date: new Date("2029-11-30T10:00:00Z"), reason: 1 }]
      for (const spec of [
        { revoked },
        { extensions: [D.deltaCrlIndicator(3)] },
        { extensions: [D.issuingDistributionPoint({ onlyContainsCACerts: true })] },
        { revoked, extensions: [D.extension("1.2.3.4", true, D.nul)] }
      ]) {
        const error = yield* Effect.flip(Crl.parse(D.crl({ ...base, ...spec })))
        expect(error._tag).toBe("CrlParseError")
        expect(error.message).toContain("nextUpdate")
      }
      // Nothing after thisUpdate: nothing lost, still read.
      const bare = yield* Crl.parse(D.crl(base))
      expect(bare.nextUpdate).toBeUndefined()
      expect(bare.entries.size).toBe(0)
    })
  )
})

describe("pathLenConstraint (RFC 5280 §4.2.1.9, §6.1.4 (l)-(m))", () => {
  const caExt = (pathLen?: number) => [
    pathLen === undefined ? D.basicConstraints(true) : D.basicConstraintsPathLen(pathLen),
    D.keyUsage([D.KU.keyCertSign, D.KU.cRLSign])
  ]
  const keys = { root: D.rsaKeyPair(), a: D.rsaKeyPair(), a2: D.rsaKeyPair(), b: D.rsaKeyPair(), leaf: D.rsaKeyPair() }
  const names = {
    root: D.name({}, "jpcard TEST pl root"),
    a: D.name({}, "jpcard TEST pl A"),
    b: D.name({}, "jpcard TEST pl B")
  }
  const root = (pathLen?: number) => D.selfSigned(names.root, keys.root, "rsa-sha256", caExt(pathLen))
  const ca = (
    issuer: Uint8Array,
    signer: typeof keys.root,
    subject: Uint8Array,
    key: typeof keys.root,
    pathLen?: number,
    serial = 0x10
  ) =>
    D.certificate({
      serial,
      issuer,
      subject,
      publicKey: key.publicKey,
      alg: "rsa-sha256",
      signer: signer.privateKey,
      extensions: caExt(pathLen)
    })
  const leafUnder = (issuer: Uint8Array, signer: typeof keys.root) =>
    D.certificate({
      issuer,
      subject: D.name({}, "jpcard TEST pl leaf"),
      publicKey: keys.leaf.publicKey,
      alg: "rsa-sha256",
      signer: signer.privateKey,
      extensions: [D.keyUsage([D.KU.digitalSignature])]
    })
  const verify = (anchor: Uint8Array, leaf: Uint8Array, intermediates: ReadonlyArray<Uint8Array>) =>
    Effect.flatMap(Trust.customJpkiTrust([anchor]), (trust) =>
      Jpki.verifyCertificate({ certificate: leaf, intermediates }, trust, { at })
    )

  it.effect("an intermediate's constraint: root → A (pathLen 0) → B → leaf does not verify", () =>
    Effect.gen(function* () {
      const b = ca(names.a, keys.a, names.b, keys.b)
      const leaf = leafUnder(names.b, keys.b)
      const a0 = ca(names.root, keys.root, names.a, keys.a, 0)
      const bad = yield* verify(root(), leaf, [a0, b])
      expect(bad.verdict, bad.summary).toBe("untrusted-chain")
      expect(bad.authentic).toBe(false)
      expect(bad.checks[0]!.detail).toContain("pathLenConstraint 0")
      // pathLen 1 allows B; so does no constraint.
      expect((yield* verify(root(), leaf, [ca(names.root, keys.root, names.a, keys.a, 1), b])).verdict).toBe("verified")
      // Another path is tried: the same A without the constraint, listed after the constrained one.
      const other = yield* verify(root(), leaf, [a0, ca(names.root, keys.root, names.a, keys.a, undefined, 0x11), b])
      expect(other.verdict, other.summary).toBe("verified")
      // pathLen 0 lets A issue the leaf itself (the leaf is not counted).
      expect((yield* verify(root(), leafUnder(names.a, keys.a), [a0])).verdict).toBe("verified")
    })
  )

  it.effect("self-issued intermediates are not counted; the anchor's own constraint is enforced", () =>
    Effect.gen(function* () {
      // A (pathLen 0) → A' (self-issued: same name, new key) → leaf.
      const a0 = ca(names.root, keys.root, names.a, keys.a, 0)
      const rollover = ca(names.a, keys.a, names.a, keys.a2)
      const selfIssued = yield* verify(root(), leafUnder(names.a, keys.a2), [a0, rollover])
      expect(selfIssued.verdict, selfIssued.summary).toBe("verified")
      expect(selfIssued.checks.length).toBe(4)
      // Anchor with pathLen 0 → A → leaf: one intermediate too many; pathLen 1 allows it.
      const leaf = leafUnder(names.a, keys.a)
      const a = ca(names.root, keys.root, names.a, keys.a)
      const bad = yield* verify(root(0), leaf, [a])
      expect(bad.verdict, bad.summary).toBe("untrusted-chain")
      expect(bad.checks[0]!.detail).toContain("pathLenConstraint 0")
      expect((yield* verify(root(1), leaf, [a])).verdict).toBe("verified")
    })
  )
})

describe("JPKI signatures made by the card", () => {
  it.effect("over the data, or over its SHA-256 digest; anything else fails", () =>
    Effect.gen(function* () {
      const trust = yield* simTrust
      const data = new TextEncoder().encode("document to sign")
      const signature = new Uint8Array(sign("sha256", data, authKey))
      const ok = yield* Jpki.verifySignature(
        { certificate: Fixtures.myNumberJpkiAuthCertDer, data, signature },
        trust,
        { at }
      )
      expect(ok.verdict, ok.summary).toBe("verified")
      expect(ok.kind).toBe("jpki-signature")
      const digest = new Uint8Array(createHash("sha256").update(data).digest())
      const viaDigest = yield* Jpki.verifySignature(
        { certificate: Fixtures.myNumberJpkiAuthCertDer, digest, signature },
        trust,
        { at }
      )
      expect(viaDigest.verdict).toBe("verified")
      const other = yield* Jpki.verifySignature(
        { certificate: Fixtures.myNumberJpkiAuthCertDer, data: concat(data, hex("00")), signature },
        trust,
        { at }
      )
      expect(other.verdict).toBe("signature-invalid")
      const wrongKey = yield* Jpki.verifySignature(
        {
          certificate: Fixtures.myNumberJpkiAuthCertDer,
          data,
          signature: new Uint8Array(sign("sha256", data, signKey))
        },
        trust,
        { at }
      )
      expect(wrongKey.verdict).toBe("signature-invalid")
      const short = yield* Jpki.verifySignature(
        { certificate: Fixtures.myNumberJpkiAuthCertDer, data, signature: signature.subarray(1) },
        trust,
        { at }
      )
      expect(short.verdict).toBe("malformed")
      const neither = yield* Jpki.verifySignature({ certificate: Fixtures.myNumberJpkiAuthCertDer, signature }, trust, {
        at
      })
      expect(neither.verdict).toBe("malformed")
      // A valid signature under an untrusted certificate is not verified.
      const untrusted = yield* Jpki.verifySignature(
        { certificate: Fixtures.myNumberJpkiAuthCertDer, data, signature },
        Trust.jlisTrust(),
        { at }
      )
      expect(untrusted.verdict).toBe("unknown-issuer")
      expect(untrusted.checks[0]!.verdict).toBe("verified")
    })
  )
})
