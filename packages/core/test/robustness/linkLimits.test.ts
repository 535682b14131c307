// Whatever response limit a transport reports (`Capabilities.maxResponseLength`, from a reader property or a phone's
// transceive limit: untrusted), every read ends in its result or a typed error: never a hang, an APDU the encoder
// refuses, or a partial file. The link either enforces its limit (the simulator fails longer responses) or reports
// one it does not keep.
import { SimTransport } from "@jpcard/sim"
import type { SimulatedCard } from "@jpcard/sim/SimulatedCard"
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import { make as makeTransport, TransportError } from "../../src/transport/CardTransport.js"
import { checkFailure } from "./harness/Oracles.js"
import { runWith, type Scenario } from "./harness/Scenario.js"
import { jpkiCertificates, kenhojoWithPin, kenkakuWithNumberA } from "./scenarios/MyNumber.js"
import { gen1Residence, gen2Residence } from "./scenarios/Residence.js"

interface Limit {
  readonly extendedLength: boolean
  readonly maxResponseLength: number
  /** Whether the link refuses responses over the limit (or carries them anyway). */
  readonly enforced: boolean
}

const limit: fc.Arbitrary<Limit> = fc.record({
  extendedLength: fc.boolean(),
  maxResponseLength: fc.oneof(
    fc.integer({ min: 0, max: 64 }),
    fc.integer({ min: 0, max: 2000 }),
    fc.integer({ min: 0, max: 70000 }),
    fc.constant(Number.NaN)
  ),
  enforced: fc.boolean()
})

const transportOf = (l: Limit) => (card: SimulatedCard) => {
  const keepsLimit = l.enforced && Number.isInteger(l.maxResponseLength) && l.maxResponseLength >= 1
  const sim = SimTransport.make(card, {
    extendedLength: l.extendedLength,
    ...(keepsLimit ? { maxResponseLength: l.maxResponseLength } : {})
  })
  return makeTransport({
    capabilities: { extendedLength: l.extendedLength, maxResponseLength: l.maxResponseLength, maxCommandLength: 65544 },
    transmit: sim.transport.transmit
  })
}

const runAt = <A, C extends SimulatedCard>(scenario: Scenario<A, C>, l: Limit) => {
  const result = runWith(scenario, transportOf(l), [])
  if (result.outcome._tag === "Success") scenario.assertComplete(result.outcome.value, result.card)
  else
    checkFailure(
      scenario,
      result.outcome.error,
      result.card,
      (makeTwin) => runWith(scenario, transportOf(l), [], makeTwin).outcome
    )
  return result.outcome
}

const limitProperty = <A, C extends SimulatedCard>(scenario: Scenario<A, C>) =>
  fc.property(limit, (l) => {
    runAt(scenario, l)
  })

// Links that report less than one encrypted block (19 bytes under AES) but carry more: the secure read planned 0-byte
// chunks and ran out of memory. A limit of 0 made the My Number reader build an APDU with Le 0, which threw.
const tooSmall: Array<[Limit]> = [
  [{ extendedLength: false, maxResponseLength: 18, enforced: false }],
  [{ extendedLength: true, maxResponseLength: 10, enforced: false }],
  [{ extendedLength: false, maxResponseLength: 0, enforced: false }],
  [{ extendedLength: true, maxResponseLength: Number.NaN, enforced: false }]
]

describe("any reported response limit", () => {
  it("residence, first generation", () => fc.assert(limitProperty(gen1Residence), { numRuns: 30, examples: tooSmall }))
  it("residence, second generation", () => fc.assert(limitProperty(gen2Residence), { numRuns: 60, examples: tooSmall }))
  it("kenhojo", () => fc.assert(limitProperty(kenhojoWithPin), { numRuns: 100, examples: tooSmall }))
  it("kenkaku", () => fc.assert(limitProperty(kenkakuWithNumberA), { numRuns: 100, examples: tooSmall }))
  it("JPKI certificates", () => fc.assert(limitProperty(jpkiCertificates), { numRuns: 100, examples: tooSmall }))
})

describe("regressions: a link that reports too small a limit", () => {
  it("an 18-byte limit under AES secure messaging is a transport error naming the step, not an endless plan", () => {
    const outcome = runAt(gen2Residence, { extendedLength: false, maxResponseLength: 18, enforced: false })
    assert.strictEqual(outcome._tag, "Failure")
    if (outcome._tag !== "Failure") return
    assert.instanceOf(outcome.error, TransportError)
    assert.include(outcome.error.message, "residence.gen2.read.cardNumber")
    assert.include(outcome.error.message, "at most 18 bytes")
  })

  it("a limit of 0 on a My Number read is a transport error, not an APDU with Le 0", () => {
    const outcome = runAt(jpkiCertificates, { extendedLength: false, maxResponseLength: 0, enforced: false })
    assert.strictEqual(outcome._tag, "Failure")
    if (outcome._tag !== "Failure") return
    assert.instanceOf(outcome.error, TransportError)
    assert.include(outcome.error.message, "mynumber.jpki.read.authenticationCertificate")
  })
})
