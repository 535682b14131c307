// What every verifier shares (internal/run.ts): the time it checks against comes from `options.at`, else from Effect's
// Clock; an exception inside it becomes a `malformed` report, never `verified` and never a defect.
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { MyNumber, Residence, Trust } from "../src/index.js"
import { at, Fixtures, gen1Input } from "./helpers.js"
import * as M from "./mynumber-material.js"

const residenceTrust = Trust.customResidenceTrust([Fixtures.residenceGen1TestCaCertDer])
const cvcTrust = Trust.customCvcTrust([
  { modulus: Fixtures.myNumberCvcCaModulus, exponent: Fixtures.myNumberCvcCaExponent, issuerKeyId: M.testIssuerId }
])

/** `value` with one property that throws when read: an input no verifier expects. */
const throwingAt = <A extends object>(value: A, key: keyof A): A =>
  Object.defineProperty({ ...value }, key, {
    get: () => {
      throw new Error("the input broke while being read")
    }
  })

describe("a verifier's frame", () => {
  it.effect("checks at Effect's Clock when no time is given", () =>
    Effect.gen(function* () {
      const trust = yield* residenceTrust
      yield* TestClock.setTime(at.getTime())
      const report = yield* Residence.verifyGen1(gen1Input(), trust)
      expect(report.checkedAt).toBe(at.toISOString())
      expect(report.verdict, report.summary).toBe("verified")
      // The same card checked at 1970 (the TestClock's start): its certificate is not yet valid.
      yield* TestClock.setTime(0)
      const early = yield* Residence.verifyGen1(gen1Input(), trust)
      expect(early.checkedAt).toBe("1970-01-01T00:00:00.000Z")
      expect(early.verdict).toBe("expired")
    })
  )

  it.effect("turns an exception inside a verifier into a malformed report", () =>
    Effect.gen(function* () {
      const trust = yield* residenceTrust
      const gen1 = yield* Residence.verifyGen1(throwingAt(gen1Input(), "faceImageValue"), trust, { at })
      const kenhojo = yield* MyNumber.verifyKenhojo(throwingAt(M.kenhojoFiles, "ef0007"), cvcTrust, { at })
      for (const report of [gen1, kenhojo]) {
        expect(report.verdict).toBe("malformed")
        expect(report.authentic).toBe(false)
        expect(report.summary).toContain("could not be checked: the input broke while being read")
      }
    })
  )
})
