// The robustness harness checked against cases it must reject, so that its green runs mean something: a defect, an
// interrupt or a foreign error; a success after an altered authentication answer, a cut answer or a foreign status
// word; a changed status word that changed the data; a secret or a PIN in an error message.
import { Cause, Effect, Exit } from "effect"
import { assert, describe, it } from "vitest"
import { CardDataError } from "../../src/residence/Errors.js"
import { type Exchange, type Fault, withFaults } from "./harness/Faults.js"
import { check, checkFailure } from "./harness/Oracles.js"
import { NotATypedOutcome, outcomeOf } from "./harness/Outcome.js"
import { baseline, run } from "./harness/Scenario.js"
import { kenhojoWithPin } from "./scenarios/MyNumber.js"
import { CARD_NUMBER, gen1Residence } from "./scenarios/Residence.js"

describe("outcomeOf", () => {
  it("accepts a value and a typed error", () => {
    assert.strictEqual(outcomeOf(Exit.succeed(1))._tag, "Success")
    const typed = new CardDataError({ step: "residence.test", field: "f", detail: "d" })
    assert.strictEqual(outcomeOf(Exit.fail(typed))._tag, "Failure")
  })

  it("rejects a defect, an interrupt and an error of no core class", () => {
    assert.throws(() => outcomeOf(Exit.die(new RangeError("boom"))), NotATypedOutcome)
    assert.throws(() => outcomeOf(Effect.runSyncExit(Effect.interrupt)), NotATypedOutcome)
    assert.throws(() => outcomeOf(Exit.fail(new Error("plain"))), NotATypedOutcome)
    assert.throws(() => outcomeOf(Exit.failCause(Cause.fail("a string"))), NotATypedOutcome)
  })
})

/** The clean gen1 run on an extended link, with exchange `at` recorded as if the card had answered `delivered`. */
const cleanRunSeeing = (at: number, delivered: (original: Uint8Array) => Uint8Array) => {
  const clean = run(gen1Residence, "extended", [])
  const exchanges: Array<Exchange> = clean.faulty.exchanges.map((e, i) =>
    i === at && e.original !== undefined ? { ...e, delivered: delivered(e.original) } : e
  )
  const faulty = { ...withFaults(clean.faulty.transport, []), exchanges, faulted: () => exchanges[at] }
  return { ...clean, faulty }
}

describe("check rejects a success it must not accept", () => {
  // On an extended link: EF01 (0), EF02 (1), GET CHALLENGE (2), MUTUAL AUTHENTICATE (3), VERIFY (4), SELECT DF1 (5).
  const flip: Fault = { at: 3, mutation: { kind: "flipByte", position: 0, xor: 1 } }

  it("an altered MUTUAL AUTHENTICATE answer", () => {
    const fake = cleanRunSeeing(3, (r) => Uint8Array.from(r, (b, i) => (i === 0 ? b ^ 1 : b)))
    assert.throws(() => check(gen1Residence, "extended", flip, fake), /MUTUAL AUTHENTICATE answer was altered/)
  })

  it("a truncated answer", () => {
    const cut: Fault = { at: 5, mutation: { kind: "truncate", drop: 1 } }
    const fake = cleanRunSeeing(5, (r) => r.slice(0, r.length - 1))
    assert.throws(() => check(gen1Residence, "extended", cut, fake), /was accepted/)
  })

  it("a status word the reader must not go on after", () => {
    const status: Fault = { at: 5, mutation: { kind: "statusWord", sw: 0x6a82 } }
    const fake = cleanRunSeeing(5, () => Uint8Array.of(0x6a, 0x82))
    assert.throws(() => check(gen1Residence, "extended", status, fake), /status of 6A82 was accepted/)
  })

  it("a changed status word that changed the data", () => {
    const endOfFile: Fault = { at: 5, mutation: { kind: "statusWord", sw: 0x6282 } }
    const fake = cleanRunSeeing(5, () => Uint8Array.of(0x62, 0x82))
    const base = baseline(gen1Residence, "extended").value
    const other = { ...fake, outcome: { _tag: "Success" as const, value: { ...base, specVersion: "9999" } } }
    assert.throws(() => check(gen1Residence, "extended", endOfFile, other), /altered the result/)
  })

  it("a success although the link failed", () => {
    const lost: Fault = { at: 5, mutation: { kind: "transportError", reason: "CardRemoved" } }
    const fake = cleanRunSeeing(5, (r) => r)
    assert.throws(() => check(gen1Residence, "extended", lost, fake), /link failed/)
  })
})

describe("checkFailure rejects an indiscreet or unnamed error", () => {
  const card = gen1Residence.makeCard()
  const neverRerun = () => assert.fail("no rerun expected")

  it("an error without a step of the pipeline", () => {
    const error = new CardDataError({ step: "elsewhere", field: "f", detail: "d" })
    assert.throws(() => checkFailure(gen1Residence, error, card, neverRerun), /does not name a residence/)
  })

  it("the card number in a message", () => {
    const error = new CardDataError({ step: "residence.test", field: "f", detail: `number ${CARD_NUMBER}` })
    assert.throws(() => checkFailure(gen1Residence, error, card, neverRerun), /shows a secret/)
  })

  it("a byte dump in a message", () => {
    const error = new CardDataError({ step: "residence.test", field: "f", detail: "key 00112233445566778899AABB" })
    assert.throws(() => checkFailure(gen1Residence, error, card, neverRerun), /byte dump/)
  })

  it("a PIN in a message, told from a chance match by the twin card", () => {
    const myCard = kenhojoWithPin.makeCard()
    const twinCard = kenhojoWithPin.makeTwin!()
    const pinError = (pin: string) => new CardDataError({ step: "mynumber.test", field: "f", detail: `sent ${pin}` })
    const leaking = () => ({ _tag: "Failure", error: pinError(twinCard.pins.kenhojo) }) as const
    assert.throws(() => checkFailure(kenhojoWithPin, pinError(myCard.pins.kenhojo), myCard, leaking), /shows a PIN/)
    // The same digits on the twin's run: a number that happens to equal the PIN, not the PIN.
    const chance = () => ({ _tag: "Failure", error: pinError(myCard.pins.kenhojo) }) as const
    checkFailure(kenhojoWithPin, pinError(myCard.pins.kenhojo), myCard, chance)
  })
})
