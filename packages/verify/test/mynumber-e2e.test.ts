// End to end: the simulated My Number card (@jpcard/sim) read by @jpcard/core's readers over the simulated transport,
// then verified here against the simulator's test PKI, trusted explicitly as custom anchors.
import { describe, expect, it } from "@effect/vitest"
import * as CardPresence from "@jpcard/core/mynumber/CardPresence"
import * as CoreJpki from "@jpcard/core/mynumber/jpki/Jpki"
import * as Kenhojo from "@jpcard/core/mynumber/kenhojo/Kenhojo"
import * as Kenkaku from "@jpcard/core/mynumber/kenkaku/Kenkaku"
import { BirthDateKey, VerificationNumberB } from "@jpcard/core/mynumber/Pin"
import * as SecureRandom from "@jpcard/core/random/SecureRandom"
import type { CardTransport } from "@jpcard/core/transport/CardTransport"
import * as MyNumberSim from "@jpcard/sim/mynumber/MyNumberCard"
import * as SimTransport from "@jpcard/sim/SimTransport"
import { Effect } from "effect"
import { Jpki, MyNumber, Trust } from "../src/index.js"
import { at, Fixtures, hex } from "./helpers.js"

const card = MyNumberSim.make({ seed: 7 })
const sim = SimTransport.make(card)
const on = <A, E>(effect: Effect.Effect<A, E, CardTransport>) => Effect.provide(effect, sim.layer)

// The simulator's CVC CA stands in for J-LIS under key IDs 9000023 / 9000033 / 9000020 (never a real J-LIS prefix).
const cvcTrust = Trust.customCvcTrust(
  [MyNumberSim.KeyIds.kenhojoCa, MyNumberSim.KeyIds.kenkakuCa, MyNumberSim.KeyIds.mfRoot].map((issuerKeyId) => ({
    modulus: Fixtures.myNumberCvcCaModulus,
    exponent: Fixtures.myNumberCvcCaExponent,
    issuerKeyId,
    name: "jpcard sim CVC CA"
  }))
)
/** A fresh nonce, the card's proof of presence with the card key of `application`, and its check against `record`. */
const provePresence = (record: MyNumber.RecordReport, application: "kenhojo" | "kenkaku") =>
  Effect.gen(function* () {
    const nonce = MyNumber.makeChallenge()
    const proof = yield* on(CardPresence.provePresence({ application, nonce })).pipe(Effect.provide(SecureRandom.layer))
    const presence = yield* MyNumber.verifyCardPresence(MyNumber.presenceFromProof(record, proof, nonce), { at })
    return { nonce, proof, presence }
  })

const jpkiTrust = Trust.customJpkiTrust([Fixtures.myNumberJpkiAuthCaCertDer, Fixtures.myNumberJpkiSignCaCertDer], {
  label: "jpcard sim"
})

describe("the simulated My Number card verifies end to end", () => {
  it.effect("kenhojo read by the core reader (PIN), plus EF0007, then card presence through the core's proof", () =>
    Effect.gen(function* () {
      const data = yield* on(Kenhojo.read({ pin: card.pins.kenhojo }))
      const files = yield* MyNumber.fromKenhojoData(data, { ef0007: card.file("kenhojo", 0x0007)! })
      const report = yield* MyNumber.verifyKenhojo(files, cvcTrust, { at })
      expect(report.verdict, report.summary).toBe("verified")
      expect(report.checks.map((c) => c.object)).toEqual([
        "kenhojo.EF0004",
        "kenhojo.EF0003",
        "kenhojo.EF0001",
        "kenhojo.EF0002",
        "kenhojo.EF0007"
      ])
      expect(report.anchor?.profile).toBe("custom")
      // Under the real J-LIS keys the simulator's CVC is unknown: never verified.
      expect((yield* MyNumber.verifyKenhojo(files, Trust.jlisCvcTrust(), { at })).verdict).toBe("unknown-issuer")

      const { proof, presence } = yield* provePresence(report, "kenhojo")
      expect(presence.verdict, presence.summary).toBe("verified")
      // Another session's nonce: refused.
      const other = yield* MyNumber.verifyCardPresence(
        MyNumber.presenceFromProof(report, proof, MyNumber.makeChallenge()),
        { at }
      )
      expect(other.verdict).toBe("signature-invalid")
    })
  )

  it.effect("kenkaku read by the core reader (照合番号B, 照合番号A, 生年月日 key), then card presence", () =>
    Effect.gen(function* () {
      const holder = card.holder
      const verificationNumberB = yield* VerificationNumberB.build({
        birthDate: `${holder.birthDate.slice(0, 4)}-${holder.birthDate.slice(4, 6)}-${holder.birthDate.slice(6, 8)}`,
        calendar: "japanese",
        expiryYear: holder.expiry.slice(0, 4),
        securityCode: holder.securityCode
      })
      const face = yield* on(Kenkaku.read({ verificationNumberB }))
      const withA = yield* on(Kenkaku.read({ verificationNumberA: holder.myNumber }))
      const birthDateKey = yield* BirthDateKey.parse(card.birthDateKey, { calendar: "japanese" })
      const age = yield* on(Kenkaku.read({ birthDateKey }))
      const files = yield* MyNumber.fromKenkakuData({ ...face, ...withA, ...age })
      const report = yield* MyNumber.verifyKenkaku(files, cvcTrust, { at })
      expect(report.verdict, report.summary).toBe("verified")
      expect(report.checks.map((c) => `${c.object}:${c.verdict}`)).toEqual([
        "kenkaku.EF0004:verified",
        "kenkaku.EF0001:verified",
        "kenkaku.EF0002:verified",
        "kenkaku.EF0005:verified"
      ])
      const { nonce, proof, presence } = yield* provePresence(report, "kenkaku")
      expect(presence.verdict, presence.summary).toBe("verified")
      // The kenkaku key's proof against the kenhojo record: refused.
      const kenhojo = yield* MyNumber.verifyKenhojo(
        {
          ef0003: card.file("kenhojo", 0x0003)!,
          ef0004: card.file("kenhojo", 0x0004)!,
          ef0007: card.file("kenhojo", 0x0007)!
        },
        cvcTrust,
        { at }
      )
      const crossed = yield* MyNumber.verifyCardPresence(MyNumber.presenceFromProof(kenhojo, proof, nonce), { at })
      expect(crossed.verdict).toBe("untrusted-chain")
    })
  )

  it.effect("the MF-level CVC chain (GET DATA 00F8, 7F21)", () =>
    Effect.gen(function* () {
      const root = card.dataObject(0x00f8)!
      const intermediate = card.dataObject(0x7f21)!
      const report = yield* MyNumber.verifyCvcChain([root, intermediate], cvcTrust, { at })
      expect(report.verdict, report.summary).toBe("verified")
    })
  )

  it.effect(
    "JPKI certificates read by the core reader chain to the simulator's CAs; the card's signatures verify",
    () =>
      Effect.gen(function* () {
        const certificates = yield* on(CoreJpki.readCertificates({ signingPassword: card.pins.jpkiSign }))
        const trust = yield* jpkiTrust
        const auth = yield* Jpki.verifyCertificate(
          {
            certificate: certificates.authentication,
            intermediates: [certificates.authenticationCa],
            purpose: "authentication"
          },
          trust,
          { at }
        )
        expect(auth.verdict, auth.summary).toBe("verified")
        const signing = yield* Jpki.verifyCertificate(
          { certificate: certificates.signing!, purpose: "signature" },
          trust,
          { at }
        )
        expect(signing.verdict, signing.summary).toBe("verified")
        // The card's EF000B is the simulator's CA, not a J-LIS root.
        expect(Trust.recogniseJlisRoot(certificates.authenticationCa)).toBeUndefined()

        const digest = hex("5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8")
        const signature = yield* on(CoreJpki.sign({ key: "authentication", pin: card.pins.jpkiAuth }, digest))
        const report = yield* Jpki.verifySignature(
          { certificate: certificates.authentication, digest, signature, purpose: "authentication" },
          trust,
          { at }
        )
        expect(report.verdict, report.summary).toBe("verified")
        const signed = yield* on(CoreJpki.sign({ key: "signing", password: card.pins.jpkiSign }, digest))
        const wrongCert = yield* Jpki.verifySignature(
          { certificate: certificates.authentication, digest, signature: signed },
          trust,
          { at }
        )
        expect(wrongCert.verdict).toBe("signature-invalid")
      })
  )
})
