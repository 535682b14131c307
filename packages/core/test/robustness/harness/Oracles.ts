// The oracles of a faulted run: what any failure must be (typed, naming its step, showing no secret) and what a
// success after a single fault may be (whole; after a changed status word, one the reader may go on after, and the
// card's own data; never after an altered authentication answer or a cut answer).
import { isExtended } from "@jpcard/sim/iso7816/CommandApdu"
import type { SimulatedCard } from "@jpcard/sim/SimulatedCard"
import { swHex } from "../../../src/apdu/Apdu.js"
import { toHex } from "../../../src/Bytes.js"
import { TransportError } from "../../../src/transport/CardTransport.js"
import { asksForAnotherExchange, type Change, changeOf, type Fault } from "./Faults.js"
import { assertDiscreet, assertNamesStep, type Outcome, type TypedError, textsOf } from "./Outcome.js"
import { baseline, canonical, type Link, type Run, run, type Scenario } from "./Scenario.js"

/** `00 20 00 80` without data: the PIN guard's tries query, whose status word (63Cx) is its answer. */
export const isTriesQuery = (command: Uint8Array) =>
  command.length === 4 && command[0] === 0x00 && command[1] === 0x20 && command[3] === 0x80

/**
 * Status words after which the reader may rightly go on: `61xx`/`6Cxx` (it asks again), `6282` (end of file), `6700`
 * to an extended APDU (the reader falls back to short ones).
 */
const mayContinueAfter = (change: Change): boolean => {
  const sw = change.statusAfter
  if (sw === 0x9000 || asksForAnotherExchange(sw) || sw === 0x6282) return true
  if (sw === 0x6700 && isExtended(change.command)) return true
  // 63Cx with at least 2 tries left answers the tries query: the guard goes on to VERIFY.
  return sw !== undefined && (sw & 0xfff0) === 0x63c0 && (sw & 0x0f) >= 2 && isTriesQuery(change.command)
}

const describe = (change: Change) =>
  `command ${toHex(change.command.subarray(0, 4))}: ${toHex(change.original)} became ${toHex(change.delivered)}`

/**
 * The checks on any failure: it names one of the pipeline's steps and shows no secret. `rerun` runs the same case on
 * another card (the twin) for the PIN differential.
 */
export const checkFailure = <A, C extends SimulatedCard>(
  scenario: Scenario<A, C>,
  error: TypedError,
  card: C,
  rerun: (makeCard: () => C) => Outcome<A>
): void => {
  assertNamesStep(error, scenario.stepPrefix)
  assertDiscreet(error, scenario.secrets(card))
  const shortSecrets = scenario.shortSecrets?.(card) ?? []
  if (shortSecrets.some((s) => textsOf(error).some((t) => t.includes(s)))) {
    // A 4-digit PIN may occur by chance (a status word, an offset). The twin card differs only in its PINs, so an
    // error that really shows a PIN reads differently there.
    if (scenario.makeTwin === undefined) throw new Error(`${error._tag} shows a PIN: ${error.message}`)
    const twin = rerun(scenario.makeTwin)
    if (twin._tag !== "Failure" || textsOf(twin.error).join("\n") !== textsOf(error).join("\n"))
      throw new Error(`${error._tag} shows a PIN: ${error.message}`)
  }
}

/** The checks every faulted run must pass. Throws with what went wrong. */
export const check = <A, C extends SimulatedCard>(
  scenario: Scenario<A, C>,
  link: Link,
  fault: Fault,
  result: Run<A, C>
): void => {
  const outcome = result.outcome
  const hit = result.faulty.faulted()
  if (outcome._tag === "Failure") {
    const error = outcome.error
    if (fault.mutation.kind === "transportError" && hit !== undefined) {
      // Nothing in a read pipeline catches a failed link: the caller gets the transport's own error.
      if (!(error instanceof TransportError) || error.reason !== fault.mutation.reason)
        throw new Error(`a ${fault.mutation.reason} transport error came out as ${error._tag}: ${error.message}`)
    }
    checkFailure(scenario, error, result.card, (makeTwin) => run(scenario, link, [fault], makeTwin).outcome)
    return
  }
  if (fault.mutation.kind === "transportError" && hit !== undefined)
    throw new Error("the read succeeded although the link failed")
  scenario.assertComplete(outcome.value, result.card)
  const change = changeOf(hit)
  if (change === undefined || !change.changed) return
  const statusIsAnswer = scenario.statusIsAnswer?.(change.command) === true
  const continues = mayContinueAfter(change) || scenario.continuesAfter?.(change) === true
  if (change.statusAfter !== change.statusBefore && !statusIsAnswer && !continues)
    throw new Error(
      `a status of ${change.statusAfter === undefined ? "nothing" : swHex(change.statusAfter)} was accepted (${describe(change)})`
    )
  // A cut answer may only be accepted when its new last two bytes steer the reader back to the card.
  if (fault.mutation.kind === "truncate" && (change.statusAfter === 0x9000 || !continues))
    throw new Error(`a truncated answer was accepted (${describe(change)})`)
  const mustFail = scenario.mustFail?.(change)
  if (mustFail !== undefined) throw new Error(`${mustFail}, yet the read succeeded (${describe(change)})`)
  if (!change.dataChanged && !asksForAnotherExchange(change.statusAfter) && !statusIsAnswer) {
    // Only the status word changed, to one the reader may go on after: the data it returns is the card's own.
    const base = baseline(scenario, link).value
    if (canonical(outcome.value) !== canonical(base))
      throw new Error(`a changed status word altered the result (${describe(change)})`)
  }
}
