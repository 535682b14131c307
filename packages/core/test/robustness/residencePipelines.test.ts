// The residence card read pipeline (detect, authenticate, read under secure messaging, parse) with one response of
// a simulated card replaced, truncated, re-statused, altered or lost: the result is the card's data or one typed
// error naming the step, never a defect, a partial read or the card number in a message. What may and may not come
// back after an altered answer: scenarios/Residence.ts.
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import { check } from "./harness/Oracles.js"
import { faultProperty, faultsProperty } from "./harness/Properties.js"
import { run } from "./harness/Scenario.js"
import {
  assertWholeResidenceCard,
  gen1Residence,
  gen1SpecialPermanent,
  gen2Residence,
  gen2SpecialPermanent
} from "./scenarios/Residence.js"

describe("residence read pipeline with one faulty response", () => {
  it("first generation, 在留カード", () => fc.assert(faultProperty(gen1Residence), { numRuns: 100 }))
  it("first generation, 特別永住者証明書", () => fc.assert(faultProperty(gen1SpecialPermanent), { numRuns: 50 }))
  it("second generation, 在留カード", () => fc.assert(faultProperty(gen2Residence), { numRuns: 150 }))
  it("second generation, 特別永住者証明書", () => fc.assert(faultProperty(gen2SpecialPermanent), { numRuns: 100 }))
})

describe("residence read pipeline with several faulty responses", () => {
  it("first generation", () => fc.assert(faultsProperty(gen1Residence), { numRuns: 40 }))
  it("second generation", () => fc.assert(faultsProperty(gen2Residence), { numRuns: 100 }))
})

describe("the oracle can fail", () => {
  it("an altered MUTUAL AUTHENTICATE answer fails the card's MAC check", () => {
    // Exchange 3 on an extended link: EF01, EF02, GET CHALLENGE, MUTUAL AUTHENTICATE.
    const fault = { at: 3, mutation: { kind: "flipByte", position: 5, xor: 0x01 } } as const
    const result = run(gen1Residence, "extended", [fault])
    assert.strictEqual(result.faulty.exchanges[3]?.command[1], 0x82)
    assert.strictEqual(result.outcome._tag, "Failure")
    if (result.outcome._tag === "Failure") {
      assert.strictEqual(result.outcome.error._tag, "ResidenceAuthenticationError")
      assert.include(result.outcome.error.message, "residence.authenticate.mutualAuthenticate")
    }
    check(gen1Residence, "extended", fault, result)
  })

  it("a check that would accept a shortened file is caught", () => {
    const clean = run(gen1Residence, "extended", [])
    assert.strictEqual(clean.outcome._tag, "Success")
    if (clean.outcome._tag !== "Success") return
    const value = clean.outcome.value
    assert.strictEqual(value.generation, 1)
    if (value.generation !== 1) return
    const cut = { ...value, raw: { ...value.raw, address: value.raw.address!.subarray(0, 100) } }
    assert.throws(() => assertWholeResidenceCard(cut))
  })
})
