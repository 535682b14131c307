// Backends: WebCrypto (default), portable (noble + bigint) and an application's CryptoProvider (node:crypto via
// @jpcard/verify/node) give the same verdicts; a provider that fails never makes anything verify.
import { describe, expect, it } from "@effect/vitest"
import { nodeCryptoProvider } from "@jpcard/verify/node"
import { Effect } from "effect"
import { type Backend, type CryptoProvider, MyNumber, Residence, Trust } from "../src/index.js"
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
