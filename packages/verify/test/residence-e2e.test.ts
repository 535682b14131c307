// End to end with the simulators, the core models, property tests over every covered byte, and bad input.
import { describe, expect, it } from "@effect/vitest"
import * as CoreGen1 from "@jpcard/core/residence/Gen1"
import * as CoreGen2 from "@jpcard/core/residence/Gen2"
import * as SimGen1 from "@jpcard/sim/residence/Gen1Card"
import * as SimGen2 from "@jpcard/sim/residence/Gen2Card"
import { Effect } from "effect"
import fc from "fast-check"
import { Residence, Trust } from "../src/index.js"
import { at, Fixtures, gen1Input, gen2Input } from "./helpers.js"

const trust = Effect.runSync(
  Trust.customResidenceTrust([Fixtures.residenceGen1TestCaCertDer, Fixtures.residenceGen2TestCaCertDer], {
    label: "jpcard sim"
  })
)
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

const gen1FilesOf = (card: SimGen1.Gen1Card) => ({
  frontImage: card.files.df1.ef01,
  faceImage: card.files.df1.ef02,
  signature: card.files.df3.ef01
})
const gen2FilesOf = (card: SimGen2.Gen2Card) => ({
  printedEntries: card.files.df1.ef02,
  nameAndFace: card.files.df1.ef03,
  signature: card.files.df3.ef01
})

describe("the simulators' test PKIs verify end to end", () => {
  it.effect("gen 1 simulator, both check-code forms, from the raw EFs", () =>
    Effect.gen(function* () {
      for (const signatureForm of ["digestInfo", "bareHash"] as const) {
        const card = SimGen1.make({ signatureForm })
        const input = yield* Residence.fromGen1Files(gen1FilesOf(card))
        const report = yield* Residence.verifyGen1(input, trust, { at })
        expect(report.verdict, report.summary).toBe("verified")
        expect(report.checks[0]!.form).toBe(signatureForm)
        expect(report.anchor?.name).toContain("jpcard sim")
      }
    })
  )

  it.effect("gen 1 special permanent resident certificate (type 2)", () =>
    Effect.gen(function* () {
      const card = SimGen1.make({ cardType: "2" })
      const report = yield* Residence.verifyGen1(yield* Residence.fromGen1Files(gen1FilesOf(card)), trust, { at })
      expect(report.verdict).toBe("verified")
    })
  )

  it.effect("gen 1 under 16: every stored pattern is `not-signed`", () =>
    Effect.gen(function* () {
      for (const under16 of [true, { signatureFile: "DA00" as const, faceFile: "emptyValue" as const }]) {
        const card = SimGen1.make({ under16 })
        const report = yield* Residence.verifyGen1(yield* Residence.fromGen1Files(gen1FilesOf(card)), trust, { at })
        expect(report.verdict).toBe("not-signed")
        expect(report.authentic).toBe(false)
      }
    })
  )

  it.effect("gen 1 with a forged check code from the simulator is signature-invalid", () =>
    Effect.gen(function* () {
      const card = SimGen1.make({ checkCode: new Uint8Array(256).fill(0x5a) })
      const report = yield* Residence.verifyGen1(yield* Residence.fromGen1Files(gen1FilesOf(card)), trust, { at })
      expect(report.verdict).toBe("signature-invalid")
    })
  )

  it.effect("gen 2 simulator (05 and 06) from the raw EFs", () =>
    Effect.gen(function* () {
      for (const cardType of ["05", "06"] as const) {
        const card = SimGen2.make({ cardType })
        const report = yield* Residence.verifyGen2(yield* Residence.fromGen2Files(gen2FilesOf(card)), trust, { at })
        expect(report.verdict, report.summary).toBe("verified")
        expect(report.checks[0]!.form).toBe("raw")
      }
    })
  )

  it.effect("gen 2 holder under 1 year (no face), both stored patterns", () =>
    Effect.gen(function* () {
      for (const under1 of [true, { faceObject: "zeros" as const }]) {
        const card = SimGen2.make({ under1 })
        const report = yield* Residence.verifyGen2(yield* Residence.fromGen2Files(gen2FilesOf(card)), trust, { at })
        expect(report.verdict, report.summary).toBe("verified")
      }
    })
  )

  it.effect(
    "core models (parsed by @jpcard/core) verify through the adapters; the wrong generation is a typed error",
    () =>
      Effect.gen(function* () {
        const sim1 = SimGen1.make()
        const card1 = yield* CoreGen1.parse(
          { specVersion: "0001", cardType: "1", generation: 1 },
          gen1FilesOf(sim1) as CoreGen1.RawFiles
        )
        const report1 = yield* Residence.verifyCard(card1, trust, { at })
        expect(report1.verdict, report1.summary).toBe("verified")

        const sim2 = SimGen2.make()
        const card2 = yield* CoreGen2.parse({ specVersion: "0001", cardType: "05", generation: 2 }, gen2FilesOf(sim2))
        const report2 = yield* Residence.verifyCard(card2, trust, { at })
        expect(report2.verdict, report2.summary).toBe("verified")

        const wrong = yield* Effect.flip(Residence.fromGen1Card(card2))
        expect(wrong._tag).toBe("VerifyInputError")
        expect(wrong.reason).toBe("WrongCardType")
        expect((yield* Effect.flip(Residence.fromGen2Card(card1))).reason).toBe("WrongCardType")
        const missing = yield* Effect.flip(Residence.fromGen1Files({ frontImage: sim1.files.df1.ef01 }))
        expect(missing.reason).toBe("MissingFile")
      })
  )
})

describe("changing any covered byte fails (property tests over byte positions)", () => {
  it("gen 1: any byte of D0 ‖ D1 (10 000 positions)", async () => {
    const input = gen1Input()
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 255 }), async (position, mask) => {
        const front = input.frontImageValue.slice()
        const face = input.faceImageValue.slice()
        if (position < 7000) front[position] = front[position]! ^ mask
        else face[position - 7000] = face[position - 7000]! ^ mask
        const report = await run(
          Residence.verifyGen1({ ...input, frontImageValue: front, faceImageValue: face }, trust, { at })
        )
        expect(report.verdict).toBe("signature-invalid")
        expect(report.authentic).toBe(false)
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) }
    )
  }, 120_000)

  it("gen 1: any byte of the check code, both forms", async () => {
    for (const form of ["digestInfo", "bareHash"] as const) {
      const input = gen1Input(form)
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 255 }), async (position, mask) => {
          const checkCode = input.checkCode.slice()
          checkCode[position] = checkCode[position]! ^ mask
          const report = await run(Residence.verifyGen1({ ...input, checkCode }, trust, { at }))
          expect(["signature-invalid", "malformed"]).toContain(report.verdict)
        }),
        { numRuns: Number(process.env.PROPERTY_RUNS ?? 40) }
      )
    }
  }, 120_000)

  it("gen 2: any byte of entries ‖ face ‖ name (5553 positions), and of the signature", async () => {
    const input = gen2Input()
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5552 + 96 }),
        fc.integer({ min: 1, max: 255 }),
        async (position, mask) => {
          const changed = {
            ...input,
            printedEntries: input.printedEntries.slice(),
            faceImageValue: input.faceImageValue.slice(),
            nameImageValue: input.nameImageValue.slice(),
            signature: input.signature.slice()
          }
          const [field, offset] =
            position < 53
              ? (["printedEntries", position] as const)
              : position < 3053
                ? (["faceImageValue", position - 53] as const)
                : position < 5553
                  ? (["nameImageValue", position - 3053] as const)
                  : (["signature", position - 5553] as const)
          changed[field][offset] = changed[field][offset]! ^ mask
          const report = await run(Residence.verifyGen2(changed, trust, { at }))
          expect(report.verdict).toBe("signature-invalid")
        }
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) }
    )
  }, 120_000)

  it("a certificate byte changed anywhere never verifies", async () => {
    const input = gen1Input()
    const der = Fixtures.residenceGen1CardCertDer
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: der.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (position, mask) => {
          const certificate = input.certificate.slice()
          certificate[position] = certificate[position]! ^ mask
          const report = await run(Residence.verifyGen1({ ...input, certificate }, trust, { at }))
          expect(report.verdict).not.toBe("verified")
          expect(report.authentic).toBe(false)
        }
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) }
    )
  }, 120_000)
})

describe("bad input: an explicit verdict, never verified", () => {
  it.effect("gen 1: wrong signature length, wrong image sizes, truncated and non-DER certificates", () =>
    Effect.gen(function* () {
      const input = gen1Input()
      const cases = [
        { ...input, checkCode: input.checkCode.subarray(0, 255) },
        { ...input, checkCode: new Uint8Array([...input.checkCode, 0]) },
        { ...input, frontImageValue: input.frontImageValue.subarray(0, 6999) },
        { ...input, faceImageValue: new Uint8Array(3001) },
        { ...input, certificate: input.certificate.subarray(0, 500) },
        { ...input, certificate: new TextEncoder().encode("-----BEGIN NOTHING-----") },
        { ...input, certificate: Fixtures.residenceGen1FaceJp2 },
        { ...input, certificate: new Uint8Array(0) },
        { ...input, certificate: Fixtures.residenceGen2CardCertDer } // an EC key for an RSA check code
      ]
      for (const c of cases) {
        const report = yield* Residence.verifyGen1(c, trust, { at })
        expect(report.verdict, report.summary).toBe("malformed")
        expect(report.authentic).toBe(false)
      }
      // A check code larger than the modulus.
      const big = yield* Residence.verifyGen1({ ...input, checkCode: new Uint8Array(256).fill(0xff) }, trust, { at })
      expect(big.verdict).toBe("signature-invalid")
    })
  )

  it.effect("gen 2: signature of the wrong length or not DER, over-long values", () =>
    Effect.gen(function* () {
      const input = gen2Input()
      for (const c of [
        { ...input, signature: input.signature.subarray(0, 95) },
        { ...input, signature: new Uint8Array(97).fill(7) },
        { ...input, signature: new Uint8Array(0).fill(7), certificate: input.certificate },
        { ...input, printedEntries: new Uint8Array(54) },
        { ...input, nameImageValue: new Uint8Array(2501) },
        { ...input, certificate: input.certificate.subarray(0, 597) },
        { ...input, certificate: Fixtures.residenceGen1CardCertDer } // RSA key for an ECDSA signature
      ]) {
        const report = yield* Residence.verifyGen2(c, trust, { at })
        expect(report.verdict, report.summary).toBe("malformed")
      }
    })
  )

  it.effect("a DER signature zero-padded inside the 96-byte DC field verifies", () =>
    Effect.gen(function* () {
      const der = gen2Input("der")
      const padded = new Uint8Array(96 + 16)
      padded.set(der.signature)
      const report = yield* Residence.verifyGen2(
        { ...der, signature: padded.subarray(0, Math.max(96, der.signature.length)) },
        trust,
        { at }
      )
      expect(report.verdict, report.summary).toBe("verified")
      expect(report.checks[0]!.form).toBe("der")
    })
  )

  it.effect("gen 1 data verified against gen-2-only anchors: unknown issuer", () =>
    Effect.gen(function* () {
      const onlyGen2 = yield* Trust.customResidenceTrust([Fixtures.residenceGen1TestCaCertDer], { generations: [2] })
      const report = yield* Residence.verifyGen1(gen1Input(), onlyGen2, { at })
      expect(report.verdict).toBe("unknown-issuer")
    })
  )
})
