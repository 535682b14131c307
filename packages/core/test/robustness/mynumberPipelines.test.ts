// The My Number card readers (kenhojo, kenkaku, JPKI, common AP, PIN status) with one response of a simulated card
// replaced, truncated, re-statused, altered or lost: the result is whole or the run fails with one typed error naming
// the step, and no error shows a PIN, the signing password, the My Number or the holder's data.
//
// These reads have no secure messaging: records and certificates come in plain and are protected by signatures that
// @jpcard/verify checks. An altered byte inside a record may therefore come back; a record cut short may not.
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import { check } from "./harness/Oracles.js"
import { faultProperty, faultsProperty } from "./harness/Properties.js"
import { run } from "./harness/Scenario.js"
import {
  assertWholeDer,
  commonCardInfo,
  jpkiCertificates,
  jpkiFreeFiles,
  jpkiSign,
  kenhojoWithPin,
  kenkakuWithBirthDateKey,
  kenkakuWithNumberA,
  kenkakuWithNumberB,
  pinStatus,
  presence
} from "./scenarios/MyNumber.js"

describe("My Number card readers with one faulty response", () => {
  it("kenhojo with the PIN", () => fc.assert(faultProperty(kenhojoWithPin), { numRuns: 200 }))
  it("kenkaku with 照合番号A", () => fc.assert(faultProperty(kenkakuWithNumberA), { numRuns: 150 }))
  it("kenkaku and kenhojo with 照合番号B", () => fc.assert(faultProperty(kenkakuWithNumberB), { numRuns: 150 }))
  it("kenkaku with the birth date key", () => fc.assert(faultProperty(kenkakuWithBirthDateKey), { numRuns: 100 }))
  it("JPKI certificates", () => fc.assert(faultProperty(jpkiCertificates), { numRuns: 200 }))
  it("JPKI signature", () => fc.assert(faultProperty(jpkiSign), { numRuns: 150 }))
  it("JPKI free files", () => fc.assert(faultProperty(jpkiFreeFiles), { numRuns: 100 }))
  it("common AP card information", () => fc.assert(faultProperty(commonCardInfo), { numRuns: 100 }))
  it("PIN status", () => fc.assert(faultProperty(pinStatus), { numRuns: 150 }))
  it("presence proof", () => fc.assert(faultProperty(presence), { numRuns: 100 }))
})

describe("My Number card readers with several faulty responses", () => {
  it("kenhojo with the PIN", () => fc.assert(faultsProperty(kenhojoWithPin), { numRuns: 100 }))
  it("kenkaku with 照合番号A", () => fc.assert(faultsProperty(kenkakuWithNumberA), { numRuns: 100 }))
  it("JPKI certificates", () => fc.assert(faultsProperty(jpkiCertificates), { numRuns: 100 }))
})

describe("the oracle can fail", () => {
  it("a certificate cut short is not whole", () => {
    const clean = run(jpkiCertificates, "extended", [])
    assert.strictEqual(clean.outcome._tag, "Success")
    if (clean.outcome._tag !== "Success") return
    const cut = clean.outcome.value.authentication.subarray(0, 100)
    assert.throws(() => assertWholeDer(cut))
  })

  it("a truncated VERIFY answer fails the read with a typed error naming the step", () => {
    // kenhojo: SELECT AP, SELECT 0011, tries query, VERIFY (exchange 3).
    const fault = { at: 3, mutation: { kind: "truncate", drop: 1 } } as const
    const result = run(kenhojoWithPin, "short", [fault])
    assert.strictEqual(result.outcome._tag, "Failure")
    if (result.outcome._tag === "Failure") {
      assert.strictEqual(result.outcome.error._tag, "MalformedResponseError")
      assert.include(result.outcome.error.message, "mynumber.kenhojo.pin.verify")
    }
    check(kenhojoWithPin, "short", fault, result)
  })
})
