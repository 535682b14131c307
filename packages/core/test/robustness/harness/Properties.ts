// The properties every pipeline test runs: one fault anywhere in the conversation (checked by the exchange-level
// oracles), or several at once (checked for a typed, discreet ending only).
import type { SimulatedCard } from "@jpcard/sim/SimulatedCard"
import fc from "fast-check"
import { type Fault, mutation } from "./Faults.js"
import { check, checkFailure } from "./Oracles.js"
import { baseline, type Link, run, type Scenario } from "./Scenario.js"

export const linkArbitrary = fc.constantFrom<Link>("extended", "short", "rejectsExtended", "ios")

/**
 * The property: on any link, one fault at any exchange of the clean conversation, and the run passes `check`.
 * `numRuns` stays moderate: every run is a whole read.
 */
export const faultProperty = <A, C extends SimulatedCard>(scenario: Scenario<A, C>) =>
  fc.property(linkArbitrary, fc.nat(), mutation, (link, at, m) => {
    const fault: Fault = { at: at % baseline(scenario, link).exchanges, mutation: m }
    check(scenario, link, fault, run(scenario, link, [fault]))
  })

/**
 * Several faults in one conversation (a flaky link, a hostile card): the exchange-level oracles of `check` no longer
 * apply, but the run still ends whole or in one typed error that names its step and shows no secret. Indices run a
 * little past the clean conversation, which faults can lengthen (GET RESPONSE, a resend, a fallback to short APDUs).
 */
export const faultsProperty = <A, C extends SimulatedCard>(scenario: Scenario<A, C>) =>
  fc.property(linkArbitrary, fc.array(fc.tuple(fc.nat(), mutation), { minLength: 2, maxLength: 4 }), (link, list) => {
    const span = baseline(scenario, link).exchanges + 4
    const faults = list.map(([at, m]): Fault => ({ at: at % span, mutation: m }))
    const result = run(scenario, link, faults)
    if (result.outcome._tag === "Success") return scenario.assertComplete(result.outcome.value, result.card)
    checkFailure(
      scenario,
      result.outcome.error,
      result.card,
      (makeTwin) => run(scenario, link, faults, makeTwin).outcome
    )
  })
