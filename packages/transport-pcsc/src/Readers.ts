/**
 * Readers: list them, choose one by name or pattern (or the only one), wait for a card, and follow reader and card
 * events as a `Stream`.
 *
 * ```ts
 * const readers = yield* Readers.list                       // [{ name, cardPresent, atr, ... }]
 * const reader = yield* Readers.choose(/Sony|PaSoRi/)        // or "ACS ACR1252 1S CL Reader PICC 0"
 * yield* Readers.events().pipe(Stream.take(2), Stream.runForEach(Console.log))
 * ```
 *
 * @since 0.1.0
 */
import { TransportError } from "@jpcard/core/transport/CardTransport"
import { Duration, Effect, Option, Result, Stream } from "effect"
import { durationOption, invalidOption, shownName } from "./Errors.js"
import { context, type Pcsc, type PcscContext, type ReaderStatus, State } from "./Pcsc.js"

/** One reader and what is in it. */
export interface ReaderInfo {
  readonly name: string
  /** A card is in the field (or in the slot). */
  readonly cardPresent: boolean
  /** The card's ATR (synthesised by the reader for contactless cards), when present. */
  readonly atr: Uint8Array | undefined
  /** Another program holds the card exclusively. */
  readonly exclusive: boolean
  /** Some program is connected to the card. */
  readonly inUse: boolean
  /** The card does not answer (e.g. a card type the reader cannot talk to). */
  readonly mute: boolean
  /** The raw `SCARD_STATE_*` bits. */
  readonly state: number
}

export const infoOf = (status: ReaderStatus): ReaderInfo => {
  const present = (status.state & State.Present) !== 0
  return {
    name: status.name,
    cardPresent: present,
    atr: present ? status.atr : undefined,
    exclusive: (status.state & State.Exclusive) !== 0,
    inUse: (status.state & State.InUse) !== 0,
    mute: (status.state & State.Mute) !== 0,
    state: status.state
  }
}

/** Readers known to PC/SC right now. No reader is an empty list, not an error. */
export const list: Effect.Effect<ReadonlyArray<ReaderInfo>, TransportError, Pcsc> = Effect.scoped(
  Effect.flatMap(context, (ctx) => Effect.map(ctx.listReaders, (readers) => readers.map(infoOf)))
)

/** Which reader: an exact name, a case-insensitive part of a name, or a pattern. */
export type ReaderSelector = string | RegExp

/** Reader names for a message: each quoted and cut at 100 characters, at most 10 of them (PC/SC is untrusted). */
const quote = (names: ReadonlyArray<string>) =>
  names.length > 10
    ? `${names.slice(0, 10).map(shownName).join(", ")} and ${names.length - 10} more`
    : names.map(shownName).join(", ")

/**
 * Among several candidate readers holding a card: `"first"` takes the first of them (a dual-slot reader lists its SAM
 * slot as a second reader holding a card), `"fail"` is `AmbiguousReader`. Choose `"fail"` before sending a PIN: a PIN
 * sent to the wrong card costs that card a try.
 */
export type WhenSeveralCards = "first" | "fail"

/**
 * Picks a reader from a list (pure): by exact name, else by case-insensitive substring (a string) or by pattern (a
 * RegExp); without a selector, any reader. Among several candidates, the one holding a card wins (several holding a
 * card: see {@link WhenSeveralCards}, default `"first"`), else the first one. No candidate is `NoReader`, with the
 * readers that exist in the message.
 */
export const chooseFrom = (
  readers: ReadonlyArray<ReaderInfo>,
  selector?: ReaderSelector,
  whenSeveralCards: WhenSeveralCards = "first"
): Result.Result<ReaderInfo, TransportError> => {
  if (selector !== undefined && typeof selector !== "string" && !(selector instanceof RegExp))
    return Result.fail(
      invalidOption("Readers.choose", "the reader", "a reader name, part of one, or a RegExp", selector)
    )
  if (whenSeveralCards !== "first" && whenSeveralCards !== "fail")
    return Result.fail(invalidOption("Readers.choose", "whenSeveralCards", `"first" or "fail"`, whenSeveralCards))
  if (readers.length === 0)
    return Result.fail(new TransportError({ reason: "NoReader", detail: "PC/SC lists no reader" }))
  let candidates: ReadonlyArray<ReaderInfo> = readers
  if (typeof selector === "string") {
    const exact = readers.filter((r) => r.name === selector)
    candidates = exact.length > 0 ? exact : readers.filter((r) => r.name.toLowerCase().includes(selector.toLowerCase()))
  } else if (selector !== undefined) {
    candidates = readers.filter((r) => {
      selector.lastIndex = 0
      return selector.test(r.name)
    })
  }
  if (candidates.length === 0)
    return Result.fail(
      new TransportError({
        reason: "NoReader",
        detail: `no reader matches ${typeof selector === "string" ? shownName(selector) : String(selector)}; readers: ${quote(readers.map((r) => r.name))}`
      })
    )
  const holding = candidates.filter((r) => r.cardPresent)
  if (holding.length > 1 && whenSeveralCards === "fail")
    return Result.fail(
      new TransportError({
        reason: "AmbiguousReader",
        detail: `readers holding a card: ${quote(holding.map((r) => r.name))}`
      })
    )
  return Result.succeed(holding[0] ?? candidates[0]!)
}

/** Chooses a reader among those connected now (see {@link chooseFrom}). */
export const choose = (
  selector?: ReaderSelector,
  options: { readonly whenSeveralCards?: WhenSeveralCards | undefined } = {}
): Effect.Effect<ReaderInfo, TransportError, Pcsc> =>
  Effect.flatMap(list, (readers) => Effect.fromResult(chooseFrom(readers, selector, options.whenSeveralCards)))

/**
 * On an open context: waits until the reader holds a card (`NoCard` after `timeout`), or is gone
 * (`ReaderUnavailable`). Returns the reader's state with the card in it.
 */
export const waitForCardOn = (
  ctx: PcscContext,
  reader: string,
  timeout: Duration.Input
): Effect.Effect<ReaderInfo, TransportError> =>
  Effect.gen(function* () {
    const timeoutMs = yield* Effect.fromResult(
      durationOption("Readers.waitForCard", "the timeout", timeout, { min: 0, infinite: true })
    )
    const deadline = Date.now() + timeoutMs
    let status = yield* ctx.readerStatus(reader)
    while (true) {
      if (status === undefined)
        return yield* new TransportError({ reason: "ReaderUnavailable", detail: `reader ${shownName(reader)} is gone` })
      if ((status.state & State.Present) !== 0) return infoOf(status)
      const left = deadline - Date.now()
      if (left <= 0)
        return yield* new TransportError({
          reason: "NoCard",
          detail: `no card on ${shownName(reader)} within ${Duration.format(Duration.millis(timeoutMs))}`
        })
      const change = yield* ctx.statusChange([{ name: reader, state: status.state }], Math.min(left, 60_000))
      status = change === "timeout" ? status : change.find((s) => s.name === reader)
    }
  })

/** Waits until the chosen reader holds a card; `NoCard` after `timeout` (default 30 s). */
export const waitForCard = (
  selector?: ReaderSelector,
  options: { readonly timeout?: Duration.Input } = {}
): Effect.Effect<ReaderInfo, TransportError, Pcsc> =>
  Effect.scoped(
    Effect.gen(function* () {
      const ctx = yield* context
      const readers = (yield* ctx.listReaders).map(infoOf)
      const reader = yield* Effect.fromResult(chooseFrom(readers, selector))
      return yield* waitForCardOn(ctx, reader.name, options.timeout ?? "30 seconds")
    })
  )

/** Reader and card events. `atr` is the card's ATR as the reader reports it. */
export type ReaderEvent =
  | { readonly _tag: "ReaderAdded"; readonly reader: string }
  | { readonly _tag: "ReaderRemoved"; readonly reader: string }
  | { readonly _tag: "CardInserted"; readonly reader: string; readonly atr: Uint8Array }
  | { readonly _tag: "CardRemoved"; readonly reader: string }

export interface EventsOptions {
  /**
   * Start with events describing the present state (`ReaderAdded` for each reader, `CardInserted` for each card), so
   * a consumer's view is complete. Default true.
   */
  readonly initial?: boolean
  /**
   * How often the reader list is checked while no card event arrives (reader plug and unplug are seen within this
   * interval). Default 1 second.
   */
  readonly pollInterval?: Duration.Input
}

interface Known {
  readonly state: number
  readonly present: boolean
}

const cardEvents = (status: ReaderStatus, before: Known | undefined): Array<ReaderEvent> => {
  const present = (status.state & State.Present) !== 0
  const wasPresent = before?.present ?? false
  const events: Array<ReaderEvent> = []
  // The upper 16 bits count card events: a card swapped between two looks is a removal and an insertion.
  const swapped =
    before !== undefined &&
    present &&
    wasPresent &&
    status.state >>> 16 !== 0 &&
    before.state >>> 16 !== status.state >>> 16
  if (wasPresent && (!present || swapped)) events.push({ _tag: "CardRemoved", reader: status.name })
  if (present && (!wasPresent || swapped))
    events.push({ _tag: "CardInserted", reader: status.name, atr: status.atr ?? new Uint8Array(0) })
  return events
}

/**
 * Reader and card events as a `Stream`, on its own PC/SC context (released when the stream ends). Card events come
 * from `SCardGetStatusChange`, reader plug/unplug from the reader list, checked at least every `pollInterval`.
 */
export const events = (options: EventsOptions = {}): Stream.Stream<ReaderEvent, TransportError, Pcsc> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const poll = yield* Effect.fromResult(
        durationOption("Readers.events", "options.pollInterval", options.pollInterval ?? "1 second", {
          min: 1,
          infinite: false
        })
      )
      const ctx = yield* context
      const known = new Map<string, Known>()
      const first = yield* ctx.listReaders
      const initial: Array<ReaderEvent> = []
      for (const status of first) {
        initial.push({ _tag: "ReaderAdded", reader: status.name }, ...cardEvents(status, undefined))
        known.set(status.name, { state: status.state, present: (status.state & State.Present) !== 0 })
      }

      const step: Effect.Effect<ReadonlyArray<ReaderEvent>, TransportError> = Effect.gen(function* () {
        const out: Array<ReaderEvent> = []
        const watched = [...known].map(([name, k]) => ({ name, state: k.state }))
        const change = watched.length === 0 ? "timeout" : yield* ctx.statusChange(watched, poll)
        if (watched.length === 0) yield* Effect.sleep(poll)
        if (change !== "timeout") {
          let moved = false
          for (const status of change) {
            const before = known.get(status.name)
            if (before === undefined) continue
            if (((status.state ^ before.state) & ~State.Changed) !== 0) moved = true
            if ((status.state & (State.Unknown | State.Unavailable)) !== 0) {
              // No card event (the list below sees a reader that left), but the state is kept: waiting again with the
              // old one would return at once, for as long as the reader stays listed but unavailable, a hot loop.
              known.set(status.name, { state: status.state, present: before.present })
              continue
            }
            out.push(...cardEvents(status, before))
            known.set(status.name, { state: status.state, present: (status.state & State.Present) !== 0 })
          }
          // A binding that reports a change which is none (the states we waited on) would make this loop spin.
          if (!moved) yield* Effect.sleep(Math.min(poll, 100))
        }
        const now = yield* ctx.listReaders
        const names = new Set(now.map((s) => s.name))
        for (const [name, k] of [...known]) {
          if (names.has(name)) continue
          if (k.present) out.push({ _tag: "CardRemoved", reader: name })
          out.push({ _tag: "ReaderRemoved", reader: name })
          known.delete(name)
        }
        for (const status of now) {
          if (known.has(status.name)) continue
          out.push({ _tag: "ReaderAdded", reader: status.name }, ...cardEvents(status, undefined))
          known.set(status.name, { state: status.state, present: (status.state & State.Present) !== 0 })
        }
        return out
      })

      const rest = Stream.paginate(undefined, () =>
        Effect.map(step, (batch) => [batch, Option.some(undefined)] as const)
      )
      return options.initial === false ? rest : Stream.concat(Stream.fromIterable(initial), rest)
    })
  )
