// Reports as data: verdict order, summary line, JSON form; saved reads.
import { describe, expect, it } from "@effect/vitest"
import { ResidenceCard } from "@jpcard/core"
import { SimTransport } from "@jpcard/sim"
import * as SimGen1 from "@jpcard/sim/residence/Gen1Card"
import { Effect } from "effect"
import { MyNumber, Report, Residence, Saved, Trust } from "../src/index.js"
import { at, concat, Fixtures, gen1Input, sha256, toHex } from "./helpers.js"
import * as M from "./mynumber-material.js"

const trust = Trust.customResidenceTrust([Fixtures.residenceGen1TestCaCertDer], { label: "jpcard sim" })
const cvcTrust = Trust.customCvcTrust([
  { modulus: Fixtures.myNumberCvcCaModulus, exponent: Fixtures.myNumberCvcCaExponent, issuerKeyId: M.testIssuerId }
])
/** Where `DF tag 20` (a 32-byte digest object) starts in the kenhojo integrity record. */
const at3 = (tag: number): number => {
  const ef = M.kenhojoFiles.ef0003
  for (let i = 0; i + 2 < ef.length; i++) if (ef[i] === 0xdf && ef[i + 1] === tag && ef[i + 2] === 0x20) return i
  throw new Error(`DF${tag.toString(16)} not found`)
}

const check = (verdict: Report.Verdict, authentic = verdict === "verified" || verdict === "expired"): Report.Check => ({
  object: `o.${verdict}`,
  verdict,
  authentic,
  detail: verdict
})

describe("verdicts", () => {
  it("a report takes its worst check's verdict; `verified` needs every check verified", () => {
    const at0 = new Date(0)
    expect(Report.make("residence-gen1", [check("verified"), check("expired")], at0).verdict).toBe("expired")
    expect(Report.make("residence-gen1", [check("expired"), check("unknown-issuer")], at0).verdict).toBe(
      "unknown-issuer"
    )
    expect(Report.make("residence-gen1", [check("verified"), check("malformed")], at0).verdict).toBe("malformed")
    expect(Report.make("residence-gen1", [check("revoked"), check("untrusted-chain")], at0).verdict).toBe("revoked")
    expect(Report.make("residence-gen1", [], at0).verdict).toBe("malformed")
    const expired = Report.make("residence-gen1", [check("verified"), check("expired")], at0)
    expect(expired.authentic).toBe(true)
    expect(Report.severity.at(-1)).toBe("verified")
    expect(Report.combine([expired, Report.make("residence-gen1", [check("verified")], at0)])).toEqual({
      verdict: "expired",
      authentic: true
    })
  })
})

describe("the report a business logs", () => {
  it.effect("summary line, algorithm, anchor, covered bytes, JSON form", () =>
    Effect.gen(function* () {
      const report = yield* Residence.verifyGen1(gen1Input(), yield* trust, { at })
      expect(report.summary).toMatch(
        /^residence card \(gen 1\): verified anchor=jpcard sim: .+ \(custom\); all checks passed$/
      )
      const json = JSON.parse(Report.toJson(report))
      expect(json.kind).toBe("residence-gen1")
      expect(json.verdict).toBe("verified")
      expect(json.checkedAt).toBe("2030-01-01T00:00:00.000Z")
      expect(json.checks[0]).toMatchObject({
        object: "residence.gen1.checkCode",
        verdict: "verified",
        algorithm: "RSASSA-PKCS1-v1_5 SHA-256",
        form: "digestInfo",
        covered: { description: "D0 value (7000 bytes) ‖ D1 value (3000 bytes)", length: 10000 }
      })
      // No digest unless asked for (it would cost a second hash of the 10 kB block).
      expect(json.checks[0].covered.sha256).toBeUndefined()
      expect(json.checks[1].certificate.subject).toContain("Residence Card Signer")
      expect(json.anchor).toMatchObject({ profile: "custom", source: "custom" })
      // Plain data: it round-trips.
      expect(JSON.parse(JSON.stringify(json))).toEqual(json)
    })
  )

  it.effect("coveredDigests: every covered block carries the SHA-256 of exactly the bytes it names", () =>
    Effect.gen(function* () {
      const input = gen1Input()
      const report = yield* Residence.verifyGen1(input, yield* trust, { at, coveredDigests: true })
      const expected = yield* Effect.promise(() => sha256(concat(input.frontImageValue, input.faceImageValue)))
      expect(report.checks[0]!.covered?.sha256).toBe(toHex(expected))
      const kenhojo = yield* MyNumber.verifyKenhojo(M.kenhojoFiles, cvcTrust, { at, coveredDigests: true })
      expect(kenhojo.verdict).toBe("verified")
      // Each block carries its digest, or says why not: the My Number's file and the record holding its digest.
      const withheld = ["kenhojo.EF0001", "kenhojo.EF0003"]
      for (const check of kenhojo.checks)
        if (withheld.includes(check.object)) {
          expect(check.covered?.sha256, check.object).toBeUndefined()
          expect(check.covered?.digestWithheld, check.object).toContain("My Number")
        } else expect(check.covered?.sha256, check.object).toMatch(/^[0-9a-f]{64}$/)
      // EF0002's is the digest it compared: DF32 of the integrity record.
      const ef0002 = kenhojo.checks.find((c) => c.object === "kenhojo.EF0002")!
      const df32 = M.kenhojoFiles.ef0003.subarray(at3(0x32) + 3, at3(0x32) + 3 + 32)
      expect(ef0002.covered?.sha256).toBe(toHex(df32))
      // Without the option only digest checks carry one (the value they compare), the My Number's never.
      const plain = yield* MyNumber.verifyKenhojo(M.kenhojoFiles, cvcTrust, { at })
      for (const check of plain.checks)
        expect(check.covered?.sha256 !== undefined, check.object).toBe(
          check.algorithm === "SHA-256 digest in a signed record" && check.object !== "kenhojo.EF0001"
        )
    })
  )

  it.effect("no report gives away a My Number or a birth date through a digest of it", () =>
    Effect.gen(function* () {
      const options = { at, coveredDigests: true }
      const kenhojo = yield* MyNumber.verifyKenhojo(M.kenhojoFiles, cvcTrust, options)
      const kenkaku = yield* MyNumber.verifyKenkaku(M.kenkakuFiles, cvcTrust, options)
      expect([kenhojo.verdict, kenkaku.verdict]).toEqual(["verified", "verified"])
      const json = Report.toJson(kenhojo) + Report.toJson(kenkaku)
      const df31 = yield* Effect.promise(() => sha256(M.kenhojoFiles.ef0001))
      const ef0003Signed = M.kenhojoFiles.ef0003.subarray(at3(0x31))
      const guessable = [
        df31, // = SHA-256(EF0001): try every My Number
        yield* Effect.promise(() => sha256(ef0003Signed.subarray(0, 2 * (3 + 32)))), // DF31 ‖ DF32
        yield* Effect.promise(() => sha256(M.kkEf0001Signed)), // birth date ‖ the card key in the report
        yield* Effect.promise(() => sha256(M.kkEf0005Signed)) // the My Number's image ‖ the card key
      ]
      for (const digest of guessable) expect(json).not.toContain(toHex(digest))
      expect(json).not.toContain("123456789018")
      expect(json).not.toContain("19850401")
      const age = kenkaku.checks.find((c) => c.object === "kenkaku.EF0001")!
      expect(age.verdict).toBe("verified")
      expect(age.covered?.digestWithheld).toContain("birth date")
      const image = kenkaku.checks.find((c) => c.object === "kenkaku.EF0005")!
      expect(image.verdict).toBe("verified")
      expect(image.covered?.digestWithheld).toContain("My Number")
    })
  )

  it.effect("a failed report names the first failing check in its summary", () =>
    Effect.gen(function* () {
      const input = gen1Input()
      const front = input.frontImageValue.slice()
      front[0] = front[0]! ^ 1
      const report = yield* Residence.verifyGen1({ ...input, frontImageValue: front }, yield* trust, { at })
      expect(report.summary).toContain("signature-invalid")
      expect(report.summary).toContain("residence.gen1.checkCode")
    })
  )
})

describe("saved reads", () => {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64")
  const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex")

  it.effect("residence gen 1 from JSON (base64) and kenhojo from JSON (hex)", () =>
    Effect.gen(function* () {
      const card = SimGen1.make()
      const json = JSON.stringify({
        kind: "residence-gen1",
        files: {
          frontImage: b64(card.files.df1.ef01),
          faceImage: b64(card.files.df1.ef02),
          signature: b64(card.files.df3.ef01)
        }
      })
      const read = yield* Saved.decode(json)
      const report = yield* Saved.verify(read, { residence: yield* trust }, { at })
      expect(report.verdict).toBe("verified")
      // Without anchors: unknown issuer, never verified.
      expect((yield* Saved.verify(read, {}, { at })).verdict).toBe("unknown-issuer")

      const kenhojo = yield* Saved.decode({
        kind: "mynumber-kenhojo",
        encoding: "hex",
        files: { ef0003: hexOf(M.ef0003), ef0004: hexOf(M.kenhojoCvc), ef0001: hexOf(M.ef0001) }
      })
      const cvc = Trust.customCvcTrust([
        {
          modulus: Fixtures.myNumberCvcCaModulus,
          exponent: Fixtures.myNumberCvcCaExponent,
          issuerKeyId: M.testIssuerId
        }
      ])
      expect((yield* Saved.verify(kenhojo, { cvc }, { at })).verdict).toBe("verified")
      // Default trust is the J-LIS production keys: the simulator's CVC is not one of them.
      expect((yield* Saved.verify(kenhojo, {}, { at })).verdict).toBe("unknown-issuer")
    })
  )

  it.effect("a phone's read sent to a server: fromResidenceCard and encode there, decode and verify here", () =>
    Effect.gen(function* () {
      const sim = SimGen1.make({ cardNumber: "AB12345678CD" })
      const card = yield* ResidenceCard.read("AB12345678CD").pipe(Effect.provide(SimTransport.layer(sim)))
      const message = JSON.stringify(yield* Saved.encode(yield* Saved.fromResidenceCard(card)))
      const sent = JSON.parse(message) as Saved.SavedJson
      expect(sent.kind).toBe("residence-gen1")
      // Only what the verification reads travels: not the address, the permissions or the renewal application.
      expect(Object.keys(sent.files).sort()).toEqual(["faceImage", "frontImage", "signature"])
      const report = yield* Saved.verify(yield* Saved.decode(message), { residence: yield* trust }, { at })
      expect(report.verdict).toBe("verified")

      const partial = yield* ResidenceCard.read("AB12345678CD", { files: ["address", "faceImage"] }).pipe(
        Effect.provide(SimTransport.layer(SimGen1.make({ cardNumber: "AB12345678CD" })))
      )
      const missing = yield* Effect.flip(Saved.fromResidenceCard(partial))
      expect(missing.reason).toBe("MissingFile")
      expect(missing.detail).toContain("frontImage")

      const kenhojo = yield* Saved.encode({ kind: "mynumber-kenhojo", files: M.kenhojoFiles })
      expect(Object.keys(kenhojo.files).sort()).toEqual(["ef0001", "ef0002", "ef0003", "ef0004", "ef0007"])
      const back = yield* Saved.decode(JSON.stringify(kenhojo), { expect: "mynumber-kenhojo" })
      expect((yield* Saved.verify(back, { cvc: cvcTrust }, { at })).verdict).toBe("verified")

      const noCvc = yield* Effect.flip(
        Saved.encode({ kind: "mynumber-kenhojo", files: { ...M.kenhojoFiles, ef0004: undefined as never } })
      )
      expect(noCvc.reason).toBe("MissingFile")
      expect(noCvc.detail).toBe("mynumber-kenhojo: the file ef0004 is missing")
      const notBytes = yield* Effect.flip(
        Saved.encode({ kind: "residence-gen1", files: { frontImage: "AAAA", faceImage: "", signature: "" } as never })
      )
      expect(notBytes.reason).toBe("InvalidArgument")
      expect(notBytes.message).not.toContain("AAAA")
      expect((yield* Effect.flip(Saved.encode({ kind: "passport" } as never))).reason).toBe("WrongCardType")
      // Wrong JavaScript shapes: typed, named, the value never repeated; Buffers are bytes.
      const secret = "SECRET-123456789012"
      for (const read of [null, 7, secret, [], { kind: "residence-gen1" }, { kind: "residence-gen1", files: secret }])
        expect((yield* Effect.flip(Saved.encode(read as never))).message).not.toContain(secret)
      for (const frontImage of [secret, [1, 2, 3], { data: secret }, new Uint16Array(2), null]) {
        const error = yield* Effect.flip(
          Saved.encode({ kind: "residence-gen1", files: { ...sent.files, frontImage } } as never)
        )
        expect(error.reason).toBe("InvalidArgument")
        expect(error.message).toContain("read.files.frontImage")
        expect(error.message).not.toContain(secret)
      }
      const asBuffers = { frontImage: Buffer.from("a"), faceImage: Buffer.from("b"), signature: Buffer.from("c") }
      expect((yield* Saved.encode({ kind: "residence-gen1", files: asBuffers })).files.signature).toBe("Yw==")
      for (const wrong of [null, {}, { generation: 3, raw: {} }, { generation: 1, raw: secret }]) {
        const error = yield* Effect.flip(Saved.fromResidenceCard(wrong as never))
        expect(["InvalidArgument", "WrongCardType"]).toContain(error.reason)
        expect(error.message).not.toContain(secret)
      }
    })
  )

  it.effect("wrong card type and broken files are typed errors", () =>
    Effect.gen(function* () {
      const wrong = yield* Effect.flip(
        Saved.decode({ kind: "residence-gen2", files: {} }, { expect: "residence-gen1" })
      )
      expect(wrong.reason).toBe("WrongCardType")
      expect((yield* Effect.flip(Saved.decode({ kind: "passport", files: {} }))).reason).toBe("WrongCardType")
      expect((yield* Effect.flip(Saved.decode("{not json"))).reason).toBe("MissingFile")
      expect(
        (yield* Effect.flip(Saved.decode({ kind: "residence-gen1", files: { frontImage: "AA" } }))).detail
      ).toContain("faceImage")
      expect(
        (yield* Effect.flip(Saved.decode({ kind: "mynumber-kenkaku", encoding: "hex", files: { ef0004: "zz" } })))
          .detail
      ).toContain("not hex")
    })
  )
})
