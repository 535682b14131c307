// Backends: WebCrypto (default), portable (noble + bigint) and an application's CryptoProvider (node:crypto via
// @jpcard/verify/node) give the same verdicts; a provider that fails never makes anything verify.
import { describe, expect, it } from "@effect/vitest"
import { nodeCryptoProvider } from "@jpcard/verify/node"
import { Effect } from "effect"
import fc from "fast-check"
import { type Backend, Caches, type CryptoProvider, MyNumber, type Report, Residence, Trust } from "../src/index.js"
import { scratchHoldsData } from "../src/internal/crypto.js"
import { at, Fixtures, gen1Input, gen2Input } from "./helpers.js"
import * as M from "./mynumber-material.js"

const residenceTrust = Trust.customResidenceTrust([
  Fixtures.residenceGen1TestCaCertDer,
  Fixtures.residenceGen2TestCaCertDer
])
const cvcTrust = Trust.customCvcTrust([
  { modulus: Fixtures.myNumberCvcCaModulus, exponent: Fixtures.myNumberCvcCaExponent, issuerKeyId: M.testIssuerId }
])

const backends: ReadonlyArray<[string, Backend | undefined]> = [
  ["default", undefined],
  ["webcrypto", "webcrypto"],
  ["portable", "portable"],
  ["node provider", nodeCryptoProvider]
]

describe("every backend agrees", () => {
  for (const [name, backend] of backends)
    it.effect(`${name}: valid inputs verify, changed ones do not`, () =>
      Effect.gen(function* () {
        const options = backend === undefined ? { at } : { at, backend }
        const trust = yield* residenceTrust
        for (const form of ["digestInfo", "bareHash"] as const) {
          const r = yield* Residence.verifyGen1(gen1Input(form), trust, options)
          expect(r.verdict, `${name} gen1 ${form}`).toBe("verified")
          expect(r.checks[0]!.form).toBe(form)
        }
        for (const encoding of ["raw", "der"] as const)
          expect((yield* Residence.verifyGen2(gen2Input(encoding), trust, options)).verdict).toBe("verified")
        expect((yield* MyNumber.verifyKenhojo(M.kenhojoFiles, cvcTrust, options)).verdict).toBe("verified")
        expect((yield* MyNumber.verifyKenkaku(M.kenkakuFiles, cvcTrust, options)).verdict).toBe("verified")
        const bad = gen1Input()
        const face = bad.faceImageValue.slice()
        face[0] = face[0]! ^ 1
        expect((yield* Residence.verifyGen1({ ...bad, faceImageValue: face }, trust, options)).verdict).toBe(
          "signature-invalid"
        )
        const bad2 = gen2Input()
        const entries = bad2.printedEntries.slice()
        entries[0] = entries[0]! ^ 1
        expect((yield* Residence.verifyGen2({ ...bad2, printedEntries: entries }, trust, options)).verdict).toBe(
          "signature-invalid"
        )
      })
    )
})

describe("a provider that fails", () => {
  it.effect("throwing or rejecting counts as not verified", () =>
    Effect.gen(function* () {
      const broken: CryptoProvider = {
        name: "broken",
        rsaVerifyPkcs1: () => {
          throw new Error("boom")
        },
        ecdsaVerify: () => Promise.reject(new Error("boom"))
      }
      const trust = yield* residenceTrust
      // Generation 1 falls back to the package's own bigint RSA, which checks the block independently: a valid
      // check code still verifies, a changed image still fails.
      const good = yield* Residence.verifyGen1(gen1Input(), trust, { at, backend: broken })
      expect(good.checks[0]!.verdict).toBe("verified")
      const input = gen1Input()
      const front = input.frontImageValue.slice()
      front[9] = front[9]! ^ 0x40
      const changed = yield* Residence.verifyGen1({ ...input, frontImageValue: front }, trust, { at, backend: broken })
      expect(changed.verdict).toBe("signature-invalid")
      const r2 = yield* Residence.verifyGen2(gen2Input(), trust, { at, backend: broken })
      expect(r2.verdict).toBe("signature-invalid")
      const r3 = yield* MyNumber.verifyKenhojo(M.kenhojoFiles, cvcTrust, { at, backend: broken })
      expect(r3.authentic).toBe(false)
    })
  )
})

describe("a provider with rsaPublicRecover", () => {
  // With coveredDigests the node provider recovers the PKCS#1 v1.5 payload, so the verifiers compare it with the
  // digest they compute for the report (one hash of the covered bytes); without, and for the same provider without
  // the operation, WebCrypto and portable, the other paths run. All must give the same verdicts, forms and covered digests on valid and changed inputs.
  const { rsaPublicRecover: _recover, ...withoutRecover } = nodeCryptoProvider
  let recovered = 0
  const counting: CryptoProvider = {
    ...nodeCryptoProvider,
    rsaPublicRecover: (key, signature) => {
      recovered++
      return nodeCryptoProvider.rsaPublicRecover(key, signature)
    }
  }
  const others: ReadonlyArray<Backend> = [withoutRecover, "webcrypto", "portable"]
  const summary = (r: Report.Report) => ({
    verdict: r.verdict,
    authentic: r.authentic,
    checks: r.checks.map((c) => [c.object, c.verdict, c.form, c.covered?.sha256])
  })
  const flip = (bytes: Uint8Array, i: number, mask: number) => {
    const out = bytes.slice()
    out[i] = out[i]! ^ mask
    return out
  }

  it("residence gen 1 (both forms) and kenhojo: same verdicts, valid or with any covered byte changed", async () => {
    const trust = await Effect.runPromise(residenceTrust)
    const cvc = cvcTrust
    const run = (effect: Effect.Effect<Report.Report>) => Effect.runPromise(effect).then(summary)
    const kenhojoTargets = ["ef0001", "ef0003", "ef0007"] as const
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("digestInfo", "bareHash"),
        fc.constantFrom("front", "face", "checkCode", "none"),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom(...kenhojoTargets, "none"),
        fc.boolean(),
        async (form, part, where, mask, file, coveredDigests) => {
          const input = gen1Input(form)
          const changed =
            part === "front"
              ? { ...input, frontImageValue: flip(input.frontImageValue, where % 7000, mask) }
              : part === "face"
                ? { ...input, faceImageValue: flip(input.faceImageValue, where % 3000, mask) }
                : part === "checkCode"
                  ? { ...input, checkCode: flip(input.checkCode, where % input.checkCode.length, mask) }
                  : input
          const files =
            file === "none"
              ? M.kenhojoFiles
              : { ...M.kenhojoFiles, [file]: flip(M.kenhojoFiles[file], where % M.kenhojoFiles[file].length, mask) }
          const before = recovered
          const expected = await run(Residence.verifyGen1(changed, trust, { at, backend: counting, coveredDigests }))
          const expectedKenhojo = await run(
            MyNumber.verifyKenhojo(files, cvc, { at, backend: counting, coveredDigests })
          )
          // Recovery is used only when the digest is computed anyway (for the report).
          if (coveredDigests) expect(recovered).toBeGreaterThan(before)
          else expect(recovered).toBe(before)
          if (part === "none") expect(expected.verdict).toBe("verified")
          else expect(expected.checks[0]![1]).toBe("signature-invalid")
          if (file === "none") expect(expectedKenhojo.verdict).toBe("verified")
          else expect(expectedKenhojo.authentic).toBe(false)
          for (const backend of others) {
            expect(await run(Residence.verifyGen1(changed, trust, { at, backend, coveredDigests }))).toEqual(expected)
            expect(await run(MyNumber.verifyKenhojo(files, cvc, { at, backend, coveredDigests }))).toEqual(
              expectedKenhojo
            )
          }
        }
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60) }
    )
  }, 120_000)

  it.effect("a recover that throws or answers garbage never makes anything verify", () =>
    Effect.gen(function* () {
      const trust = yield* residenceTrust
      const cvc = cvcTrust
      const liars: ReadonlyArray<CryptoProvider> = [
        {
          ...withoutRecover,
          rsaPublicRecover: () => {
            throw new Error("boom")
          }
        },
        { ...withoutRecover, rsaPublicRecover: () => new Uint8Array(51) },
        { ...withoutRecover, rsaPublicRecover: () => undefined }
      ]
      for (const backend of liars) {
        for (const form of ["digestInfo", "bareHash"] as const)
          expect((yield* Residence.verifyGen1(gen1Input(form), trust, { at, backend })).checks[0]!.form).toBe(form)
        const input = gen1Input()
        const changed = { ...input, faceImageValue: flip(input.faceImageValue, 5, 0x10) }
        expect((yield* Residence.verifyGen1(changed, trust, { at, backend })).verdict).toBe("signature-invalid")
        expect((yield* MyNumber.verifyKenhojo(M.kenhojoFiles, cvc, { at, backend })).verdict).toBe("verified")
        const files = { ...M.kenhojoFiles, ef0001: flip(M.kenhojoFiles.ef0001, 3, 0x01) }
        expect((yield* MyNumber.verifyKenhojo(files, cvc, { at, backend })).authentic).toBe(false)
      }
    })
  )
})

describe("WebCrypto calls that overlap", () => {
  // Multi-part data (D0 ‖ D1, the gen-2 entries ‖ face ‖ name) is joined for WebCrypto in a scratch buffer that the
  // next call reuses. Many verifications in flight at once, valid and changed mixed, cold keys (first call, imported
  // while the calls wait) and warm keys: each must keep its own verdict.
  const flipAt = (bytes: Uint8Array, i: number) => {
    const out = bytes.slice()
    out[i] = out[i]! ^ 0x01
    return out
  }
  it.effect("each of 48 overlapping verifications gets the verdict of its own bytes", () =>
    Effect.gen(function* () {
      const trust = yield* residenceTrust
      const gen1 = gen1Input()
      const gen2 = gen2Input()
      const cases = Array.from({ length: 48 }, (_, i) => {
        const changed = i % 3 === 1
        if (i % 2 === 0) {
          const input = changed ? { ...gen1, faceImageValue: flipAt(gen1.faceImageValue, (i * 61) % 3000) } : gen1
          return { changed, run: Residence.verifyGen1(input, trust, { at }) }
        }
        const input = changed ? { ...gen2, nameImageValue: flipAt(gen2.nameImageValue, (i * 53) % 2500) } : gen2
        return { changed, run: Residence.verifyGen2(input, trust, { at }) }
      })
      const originals = [gen1.frontImageValue, gen1.faceImageValue, gen2.faceImageValue, gen2.nameImageValue].map((b) =>
        b.slice()
      )
      for (const round of ["cold", "warm"]) {
        if (round === "cold") Caches.clear()
        const reports = yield* Effect.all(
          cases.map((c) => c.run),
          { concurrency: "unbounded" }
        )
        reports.forEach((r, i) => {
          expect(r.verdict, `${round} #${i}`).toBe(cases[i]!.changed ? "signature-invalid" : "verified")
        })
      }
      expect(scratchHoldsData(), "card data left in the scratch buffer").toBe(false)
      // The caller's bytes are never written (the scratch buffer is cleared after each call, never the inputs), nor
      // are single-part inputs passed to WebCrypto as they are (the kenhojo records).
      expect([gen1.frontImageValue, gen1.faceImageValue, gen2.faceImageValue, gen2.nameImageValue]).toEqual(originals)
      const files = { ef0003: M.kenhojoFiles.ef0003.slice(), ef0007: M.kenhojoFiles.ef0007.slice() }
      const kenhojo = { ...M.kenhojoFiles, ...files }
      for (const round of ["cold", "warm"])
        expect((yield* MyNumber.verifyKenhojo(kenhojo, cvcTrust, { at })).verdict, round).toBe("verified")
      expect([kenhojo.ef0003, kenhojo.ef0007]).toEqual([M.kenhojoFiles.ef0003, M.kenhojoFiles.ef0007])
    })
  )
})

describe("a provider is lent the covered bytes joined, for the call", () => {
  // Multi-part data is joined into the scratch buffer and lent to the provider: read during the call (or until an
  // asynchronous answer settles), cleared afterwards. Each call must see exactly its own bytes, whatever else runs.
  const joinedOf = (input: ReturnType<typeof gen1Input>) => Buffer.concat([input.frontImageValue, input.faceImageValue])

  it.effect("gen 1 bare hash (DigestInfo tried, then the digest): each call sees exactly D0 ‖ D1, cleared after", () =>
    Effect.gen(function* () {
      const trust = yield* residenceTrust
      const seen: Array<{ readonly view: Uint8Array; readonly atCall: Buffer }> = []
      const note = (data: Uint8Array) => {
        if (data.length === 10000) seen.push({ view: data, atCall: Buffer.from(data) })
      }
      const recording: CryptoProvider = {
        ...nodeCryptoProvider,
        rsaVerifyPkcs1: (key, hash, data, signature) => {
          note(data)
          return nodeCryptoProvider.rsaVerifyPkcs1(key, hash, data, signature)
        },
        digest: (hash, data) => {
          note(data)
          return nodeCryptoProvider.digest!(hash, data)
        }
      }
      Caches.clear() // the DigestInfo form is tried first, as for a key not seen before
      const input = gen1Input("bareHash")
      const original = joinedOf(input)
      const report = yield* Residence.verifyGen1(input, trust, { at, backend: recording })
      expect(report.checks[0]!.form).toBe("bareHash")
      expect(seen.length).toBe(2)
      for (const { view, atCall } of seen) {
        expect(atCall.equals(original)).toBe(true)
        expect(
          view.every((b) => b === 0),
          "lent bytes cleared after the call"
        ).toBe(true)
      }
      expect(joinedOf(input).equals(original), "the caller's bytes untouched").toBe(true)
      expect(scratchHoldsData()).toBe(false)
    })
  )

  it.effect("an asynchronous provider keeps its bytes intact until it answers, while other verifications run", () =>
    Effect.gen(function* () {
      const trust = yield* residenceTrust
      const intact: Array<boolean> = []
      const lent: Array<Uint8Array> = []
      // Answers later: reads the data only after other verifications (each lent the scratch buffer) have started.
      const slow: CryptoProvider = {
        ...nodeCryptoProvider,
        rsaVerifyPkcs1: async (key, hash, data, signature) => {
          const atCall = Buffer.from(data)
          // D0 ‖ D1, lent; the certificate's to-be-signed bytes are one array, passed as they are and never cleared.
          const covered = data.length === 10000
          if (covered) lent.push(data)
          for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 1))
          intact.push(atCall.equals(data))
          if (!covered) expect(data.every((b) => b === 0)).toBe(false)
          return nodeCryptoProvider.rsaVerifyPkcs1(key, hash, data, signature)
        }
      }
      const valid = gen1Input()
      const flipped = valid.faceImageValue.slice()
      flipped[1234] = flipped[1234]! ^ 0x10
      const changed = { ...valid, faceImageValue: flipped }
      const cases = Array.from({ length: 12 }, (_, i) => (i % 3 === 1 ? changed : valid))
      Caches.clear() // the DigestInfo form first (an earlier bare-hash card may have made it the bare hash)
      const reports = yield* Effect.all(
        cases.map((input, i) =>
          // Every other one synchronous (node:crypto as it is), reusing the scratch buffer while the slow ones wait.
          Residence.verifyGen1(input, trust, { at, backend: i % 2 === 0 ? slow : nodeCryptoProvider })
        ),
        { concurrency: "unbounded" }
      )
      reports.forEach((r, i) => {
        expect(r.verdict, `#${i}`).toBe(cases[i] === changed ? "signature-invalid" : "verified")
      })
      expect(lent.length).toBe(6)
      expect(intact.every(Boolean), "a lent buffer was written while its provider still held it").toBe(true)
      expect(
        lent.every((view) => view.every((b) => b === 0)),
        "lent bytes cleared once answered"
      ).toBe(true)
      expect(scratchHoldsData()).toBe(false)
    })
  )
})
