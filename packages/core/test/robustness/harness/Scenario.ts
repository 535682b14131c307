// A read pipeline against a simulated card: what a scenario declares (program, secrets, what a whole result is, which
// changes must fail it), how it runs behind a faulty transport, and its clean run (the baseline) on each link shape.
import { SimTransport } from "@jpcard/sim"
import type { SimulatedCard } from "@jpcard/sim/SimulatedCard"
import { Effect, Layer, Redacted } from "effect"
import { toHex } from "../../../src/Bytes.js"
import { MyNumber } from "../../../src/mynumber/Pin.js"
import { SecureRandom } from "../../../src/random/SecureRandom.js"
import { CardTransport, type CardTransportShape } from "../../../src/transport/CardTransport.js"
import { type Change, type Fault, type FaultyTransport, withFaults } from "./Faults.js"
import { type Outcome, outcomeOf } from "./Outcome.js"

/** The link shapes the readers adapt to: each takes other paths through the ISO 7816 layer. */
export const links = {
  extended: {},
  short: { extendedLength: false },
  rejectsExtended: { claimsExtendedButRejects: true },
  ios: { maxResponseLength: 1693 }
} as const satisfies Record<string, SimTransport.Options>
export type Link = keyof typeof links

export interface Scenario<A, C extends SimulatedCard> {
  readonly name: string
  /** Every step of the pipeline starts so, e.g. `residence.` */
  readonly stepPrefix: string
  /**
   * The card for a run: a fresh one, or one that each run's power-on returns to the same state, so that a run (and a
   * counterexample) replays the same conversation.
   */
  readonly makeCard: () => C
  readonly program: (card: C) => Effect.Effect<A, unknown, CardTransport>
  /** Secrets and card contents no error may show (long enough not to occur by chance). */
  readonly secrets: (card: C) => ReadonlyArray<string>
  /** 4-digit PINs: an error that shows one must show the same text on `makeTwin`'s card, whose PINs differ. */
  readonly shortSecrets?: (card: C) => ReadonlyArray<string>
  readonly makeTwin?: () => C
  /** Throws when a successful result is not whole (a file missing or cut short). */
  readonly assertComplete: (value: A, card: C) => void
  /** Why this change must fail the run (e.g. an authentication answer was altered), or `undefined`. */
  readonly mustFail?: (change: Change) => string | undefined
  /** Commands whose status word is the answer the pipeline reports (a tries query read for the PIN status). */
  readonly statusIsAnswer?: (command: Uint8Array) => boolean
  /** Status words after which this pipeline goes on by design (e.g. detection selects the MF on 6A82). */
  readonly continuesAfter?: (change: Change) => boolean
}

export interface Run<A, C> {
  readonly card: C
  readonly outcome: Outcome<A>
  readonly faulty: FaultyTransport
}

/** Reader-side randomness (RND.IFD, K.IFD) from a counter, so that every run replays. */
const countingRandom = Layer.sync(SecureRandom, () => {
  let counter = 0
  return {
    nextBytes: (length: number) => Effect.sync(() => Uint8Array.from({ length }, () => (counter++ * 37 + 11) & 0xff))
  }
})

/** Runs the scenario's program on a fresh card behind `transportOf(card)`, with the faults applied. */
export const runWith = <A, C extends SimulatedCard>(
  scenario: Scenario<A, C>,
  transportOf: (card: C) => CardTransportShape,
  faults: ReadonlyArray<Fault>,
  makeCard: () => C = scenario.makeCard
): Run<A, C> => {
  const card = makeCard()
  const faulty = withFaults(transportOf(card), faults)
  const exit = Effect.runSyncExit(
    scenario
      .program(card)
      .pipe(Effect.provide(Layer.succeed(CardTransport, faulty.transport)), Effect.provide(countingRandom))
  )
  return { card, outcome: outcomeOf(exit), faulty }
}

/** Runs the scenario over a simulated link of the given shape. */
export const run = <A, C extends SimulatedCard>(
  scenario: Scenario<A, C>,
  link: Link,
  faults: ReadonlyArray<Fault>,
  makeCard: () => C = scenario.makeCard
): Run<A, C> => runWith(scenario, (card) => SimTransport.make(card, links[link]).transport, faults, makeCard)

/** Results as comparable text: bytes as hex, redacted values and My Numbers revealed. */
export const canonical = (u: unknown): string => JSON.stringify(plain(u))
const plain = (u: unknown): unknown => {
  if (u instanceof Uint8Array) return `hex:${toHex(u)}`
  if (Redacted.isRedacted(u)) return { redacted: plain(Redacted.value(u)) }
  if (u instanceof MyNumber) return `MyNumber:${u.reveal()}`
  if (Array.isArray(u)) return u.map(plain)
  if (u !== null && typeof u === "object")
    return Object.fromEntries(
      Object.keys(u)
        .sort()
        .map((k) => [k, plain((u as Record<string, unknown>)[k])])
    )
  return u
}

interface Baseline<A> {
  readonly value: A
  readonly exchanges: number
}

const baselines = new WeakMap<object, Map<Link, Baseline<unknown>>>()

/** The clean run on `link`, computed once: its value and how many exchanges it takes. */
export const baseline = <A, C extends SimulatedCard>(scenario: Scenario<A, C>, link: Link): Baseline<A> => {
  const byLink = baselines.get(scenario) ?? new Map<Link, Baseline<unknown>>()
  baselines.set(scenario, byLink)
  const known = byLink.get(link)
  if (known !== undefined) return known as Baseline<A>
  const clean = run(scenario, link, [])
  if (clean.outcome._tag !== "Success")
    throw new Error(`${scenario.name} on ${link}: the clean run failed: ${clean.outcome.error.message}`)
  const made: Baseline<A> = { value: clean.outcome.value, exchanges: clean.faulty.exchanges.length }
  byLink.set(link, made)
  return made
}
