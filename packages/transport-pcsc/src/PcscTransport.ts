/**
 * A PC/SC card session as the core's `CardTransport`: connect on acquire; on release reset the card (so no
 * authenticated state survives; after success this is the `disposition` option, `reset` by default), disconnect and
 * release the PC/SC context, whether the session succeeded, failed or was interrupted. A process exit disconnects
 * whatever is still open.
 *
 * ```ts
 * import { ResidenceCard } from "@jpcard/core"
 * import { PcscTransport } from "@jpcard/transport-pcsc"
 *
 * const card = yield* ResidenceCard.read("AB12345678CD").pipe(
 *   Effect.provide(PcscTransport.layer({ reader: /PaSoRi|ACR/ }))
 * )
 * ```
 *
 * Extended length: the session reports `extendedLength: true` when the card talks T=1 and the reader does not say
 * otherwise. It asks the reader through PC/SC Part 10 (`FEATURE_GET_TLV_PROPERTIES`, property `dwMaxAPDUDataSize`,
 * which CCID readers under libccid answer from their USB descriptor): 0 means short APDUs only, a positive value is
 * the largest data field. A reader that does not answer (many drivers, Debian's vpcd) is assumed to carry extended
 * APDUs; if it then answers `6700`, the core falls back to short chunks for the rest of the session. T=0 cards never
 * get extended APDUs (T=0 has no way to carry them without ENVELOPE). The option `extendedLength` overrides all of
 * this.
 *
 * @since 0.1.0
 */

import { kindOf } from "@jpcard/core/Input"
import {
  type Capabilities,
  CardTransport,
  type CardTransportShape,
  TransportError
} from "@jpcard/core/transport/CardTransport"
import { Context, Duration, Effect, Exit, Layer, type Scope } from "effect"
import { durationOption, invalidOption, shownName } from "./Errors.js"
import {
  context,
  type Disposition,
  type DriverCard,
  type Pcsc,
  type PcscContext,
  type Protocol,
  layer as pcscLayer,
  type ShareMode,
  State
} from "./Pcsc.js"
import { chooseFrom, infoOf, type ReaderSelector, type WhenSeveralCards, waitForCardOn } from "./Readers.js"

export interface SessionOptions {
  /** Which reader (exact name, part of a name, or a pattern). Default: the only reader, or the first with a card. */
  readonly reader?: ReaderSelector | undefined
  /**
   * Several readers (matching `reader`) holding a card: `"first"` (default) takes the first, `"fail"` is
   * `AmbiguousReader`. Pass `"fail"` when the session will send a PIN: a PIN sent to the wrong card costs it a try.
   */
  readonly whenSeveralCards?: WhenSeveralCards | undefined
  /**
   * Default `exclusive`: a secure-messaging session must not be interleaved with another program's APDUs. A second
   * program asking for the same card then gets `SharingViolation`.
   */
  readonly shareMode?: ShareMode | undefined
  /** Protocols to accept. Default T=0 and T=1 (contactless cards are always T=1). */
  readonly protocols?: ReadonlyArray<Protocol> | undefined
  /**
   * Per-APDU limit; after it the exchange fails with `Timeout` and the session is given up. Default 30 s. The connect
   * and the reader's capability request have the same limit.
   */
  readonly timeout?: Duration.Input | undefined
  /** Wait this long for a card when the reader is empty (default 0: fail with `NoCard` at once). */
  readonly waitForCard?: Duration.Input | undefined
  /** `"auto"` (default): see the module comment. A boolean forces it. */
  readonly extendedLength?: boolean | "auto" | undefined
  /**
   * What to do with the card when the session ends well. Default `reset`: a residence card left as it is stays
   * authenticated, and any program could then read its authenticated files (DF2, DF3) without the card number.
   * `leave` keeps the card's state for a following session. After a failure or an interruption the card is always
   * reset (if it is still there).
   */
  readonly disposition?: "leave" | "reset" | undefined
}

/** What the session is connected to. */
export interface SessionInfo {
  readonly reader: string
  readonly atr: Uint8Array
  readonly protocol: Protocol
  readonly shareMode: ShareMode
  readonly capabilities: Capabilities
  /** How `capabilities.extendedLength` was decided, for logs. */
  readonly extendedLengthSource: "option" | "protocol T=0" | "reader property" | "assumed (T=1)"
}

export interface Session extends SessionInfo {
  readonly transport: CardTransportShape
}

/** The connected session's description, next to `CardTransport` in {@link layer}. */
export class PcscSession extends Context.Service<PcscSession, SessionInfo>()("@jpcard/transport-pcsc/PcscSession") {}

const CM_IOCTL_GET_FEATURE_REQUEST = 3400
const FEATURE_GET_TLV_PROPERTIES = 0x12
const PROPERTY_MAX_APDU_DATA_SIZE = 0x0a
const SHORT: Capabilities = { extendedLength: false, maxResponseLength: 256, maxCommandLength: 261 }
const extendedUpTo = (maxData: number): Capabilities => ({
  extendedLength: true,
  maxResponseLength: Math.min(maxData, 65536),
  maxCommandLength: Math.min(maxData, 65535) + 9
})

/** PC/SC Part 10 `dwMaxAPDUDataSize` of the reader, or `undefined` if it does not say. */
const maxApduDataSize = (ctx: PcscContext, reader: string, card: DriverCard): Promise<number | undefined> =>
  ctx
    .run("control", reader, async () => {
      const features = await card.control(ctx.driver.controlCode(CM_IOCTL_GET_FEATURE_REQUEST), new Uint8Array(0))
      let code: number | undefined
      for (let i = 0; i + 2 <= features.length; i += 2 + features[i + 1]!) {
        if (features[i] === FEATURE_GET_TLV_PROPERTIES && features[i + 1] === 4)
          code =
            ((features[i + 2]! << 24) | (features[i + 3]! << 16) | (features[i + 4]! << 8) | features[i + 5]!) >>> 0
      }
      if (code === undefined) return undefined
      const properties = await card.control(code, new Uint8Array(0))
      for (let i = 0; i + 2 <= properties.length; i += 2 + properties[i + 1]!) {
        const length = properties[i + 1]!
        if (properties[i] !== PROPERTY_MAX_APDU_DATA_SIZE || i + 2 + length > properties.length) continue
        let value = 0
        for (let k = length - 1; k >= 0; k--) value = value * 256 + properties[i + 2 + k]!
        return value
      }
      return undefined
    })
    .catch(() => undefined)

const decideCapabilities = async (
  ctx: PcscContext,
  reader: string,
  card: DriverCard,
  option: boolean | "auto"
): Promise<Pick<SessionInfo, "capabilities" | "extendedLengthSource">> => {
  if (option === true) return { capabilities: extendedUpTo(65536), extendedLengthSource: "option" }
  if (option === false) return { capabilities: SHORT, extendedLengthSource: "option" }
  if (card.protocol === "T0") return { capabilities: SHORT, extendedLengthSource: "protocol T=0" }
  const max = await maxApduDataSize(ctx, reader, card)
  if (max === undefined) return { capabilities: extendedUpTo(65536), extendedLengthSource: "assumed (T=1)" }
  return {
    capabilities: max <= 256 ? SHORT : extendedUpTo(max),
    extendedLengthSource: "reader property"
  }
}

const STEP = "PcscTransport.session"

const isOneOf = (value: unknown, allowed: ReadonlyArray<unknown>) => value === undefined || allowed.includes(value)

/** The options' shapes (a JavaScript caller, a configuration file): a typed error before any PC/SC call. */
const checkOptions = (options: SessionOptions): Effect.Effect<void, TransportError> => {
  if (typeof options !== "object" || options === null)
    return Effect.fail(invalidOption(STEP, "options", "an object", options))
  const bad = (option: string, expected: string, got: unknown) =>
    Effect.fail(invalidOption(STEP, option, expected, got))
  // A misspelt share mode must not quietly become `shared`: secure messaging would then interleave with others.
  if (!isOneOf(options.shareMode, ["exclusive", "shared"]))
    return bad("options.shareMode", `"exclusive" or "shared"`, options.shareMode)
  if (
    options.protocols !== undefined &&
    (!Array.isArray(options.protocols) ||
      options.protocols.length === 0 ||
      !options.protocols.every((p) => p === "T0" || p === "T1" || p === "RAW"))
  )
    return bad("options.protocols", `a non-empty list of "T0", "T1", "RAW"`, options.protocols)
  if (!isOneOf(options.extendedLength, [true, false, "auto"]))
    return bad("options.extendedLength", `true, false or "auto"`, options.extendedLength)
  if (!isOneOf(options.whenSeveralCards, ["first", "fail"]))
    return bad("options.whenSeveralCards", `"first" or "fail"`, options.whenSeveralCards)
  if (!isOneOf(options.disposition, ["leave", "reset"]))
    return bad("options.disposition", `"leave" or "reset"`, options.disposition)
  return Effect.void
}

/** After an ambiguous failure, how long to wait for pcscd to notice a removed card before calling it `Io`. */
const PRESENCE_SETTLE_MS = 1_000

/**
 * Opens a card session for the current scope: choose the reader, (optionally) wait for a card, connect. The
 * transport's `transmit` sends one APDU at a time; an ambiguous PC/SC failure (`SCARD_E_NOT_TRANSACTED`, a
 * communication error) is classified by looking at the reader: card gone is `CardRemoved`, reader gone is
 * `ReaderUnavailable`.
 */
export const session = (options: SessionOptions = {}): Effect.Effect<Session, TransportError, Pcsc | Scope.Scope> =>
  Effect.gen(function* () {
    yield* checkOptions(options)
    const shareMode = options.shareMode ?? "exclusive"
    const timeoutMs = yield* Effect.fromResult(
      durationOption(STEP, "options.timeout", options.timeout === undefined ? "30 seconds" : options.timeout, {
        min: 1,
        infinite: true
      })
    )
    const waitMs =
      options.waitForCard === undefined
        ? undefined
        : yield* Effect.fromResult(
            durationOption(STEP, "options.waitForCard", options.waitForCard, { min: 0, infinite: true })
          )
    const ctx = yield* context
    const readers = (yield* ctx.listReaders).map(infoOf)
    let reader = yield* Effect.fromResult(chooseFrom(readers, options.reader, options.whenSeveralCards ?? "first"))
    if (!reader.cardPresent && waitMs !== undefined) reader = yield* waitForCardOn(ctx, reader.name, waitMs)
    const name = reader.name

    const cardPresent = (state: number) => (state & State.Present) !== 0 && (state & State.Mute) === 0

    /** Whether the card is still in the reader, after giving pcscd `settleMs` to notice a removal. */
    const presence = (settleMs: number): Effect.Effect<"present" | "absent" | "noReader"> =>
      Effect.gen(function* () {
        const status = yield* ctx.readerStatus(name)
        if (status === undefined) return "noReader" as const
        if (!cardPresent(status.state)) return "absent" as const
        if (settleMs <= 0) return "present" as const
        const change = yield* ctx.statusChange([{ name, state: status.state }], settleMs)
        if (change === "timeout") return "present" as const
        const after = change.find((s) => s.name === name)
        if (after === undefined || (after.state & (State.Unknown | State.Unavailable)) !== 0) return "noReader" as const
        return cardPresent(after.state) && after.state >>> 16 === status.state >>> 16
          ? ("present" as const)
          : ("absent" as const)
      }).pipe(Effect.catch(() => Effect.succeed("noReader" as const)))

    /** Set when the session cannot be used any more (a timed-out APDU may still be running in the driver). */
    let broken: TransportError | undefined

    const card = yield* Effect.acquireRelease(
      ctx.connect(name, shareMode, options.protocols ?? ["T0", "T1"], timeoutMs),
      (card, exit) =>
        Effect.gen(function* () {
          if (!(yield* Effect.promise(() => ctx.settled()))) {
            // A native call is still running (a timed-out or interrupted transmit) and may never end: every call
            // below would queue behind it and hang the scope. Queue the disconnect (a reset: the session did not
            // end well) and go on; it runs if the stuck call ever returns.
            void ctx.run("disconnect", name, () => card.disconnect("reset")).catch(() => undefined)
            return
          }
          // Reset (no authenticated state survives) unless the card is gone: some drivers (Debian's vpcd 0.8)
          // abort pcscd when told to reset a card that has left.
          const wanted: Disposition =
            !Exit.isSuccess(exit) || broken !== undefined ? "reset" : (options.disposition ?? "reset")
          const disposition: Disposition = wanted === "reset" && (yield* presence(0)) === "present" ? "reset" : "leave"
          yield* Effect.promise(() =>
            ctx.run("disconnect", name, () => card.disconnect(disposition)).catch(() => undefined)
          )
        })
    )

    /** `Timeout` after the session's limit, saying what did not answer. */
    const bounded = <A, E>(effect: Effect.Effect<A, E>, what: string): Effect.Effect<A, E | TransportError> =>
      Effect.timeoutOrElse(effect, {
        duration: timeoutMs,
        orElse: () =>
          Effect.fail(
            new TransportError({
              reason: "Timeout",
              detail: `${what} within ${Duration.format(Duration.millis(timeoutMs))}`
            })
          )
      })

    // The probe is a native call like a transmit: a reader that never answers it must not hang the session.
    const decided = yield* bounded(
      Effect.promise(() => decideCapabilities(ctx, name, card, options.extendedLength ?? "auto")),
      `the reader ${shownName(name)} did not answer its capability request (PC/SC part 10; extendedLength true or false skips it)`
    )
    const maxRecvLength = decided.capabilities.maxResponseLength + 2

    const classify = (error: TransportError): Effect.Effect<TransportError> =>
      error.reason === "Io"
        ? Effect.map(presence(PRESENCE_SETTLE_MS), (where) =>
            where === "present"
              ? error
              : new TransportError({
                  reason: where === "absent" ? "CardRemoved" : "ReaderUnavailable",
                  detail: `${error.detail ?? ""}; the ${where === "absent" ? "card left the reader" : "reader is gone"}`
                })
          )
        : Effect.succeed(error)

    const transmit = (command: Uint8Array): Effect.Effect<Uint8Array, TransportError> =>
      Effect.suspend(() => {
        if (broken !== undefined) return Effect.fail(broken)
        return Effect.tryPromise({
          try: () => ctx.run("transmit", name, () => card.transmit(command, maxRecvLength)),
          catch: (error) => error as TransportError
        }).pipe(
          // Every response APDU ends in SW1 SW2. Fewer bytes is a broken link, not an answer (Debian's vpcd
          // reports a card that vanished mid-command as a successful empty response). The binding is untrusted:
          // anything but bytes, or more than the receive buffer it was given, is a failed exchange too.
          Effect.flatMap((response: unknown) => {
            const fault = !(response instanceof Uint8Array)
              ? `a response that is ${kindOf(response)}, not bytes`
              : response.length < 2
                ? `${response.length} byte(s) without a status word`
                : response.length > maxRecvLength
                  ? `${response.length} bytes, longer than the receive buffer of ${maxRecvLength}`
                  : undefined
            return fault === undefined
              ? Effect.succeed(response as Uint8Array)
              : Effect.fail(
                  new TransportError({ reason: "Io", detail: `the reader ${shownName(name)} returned ${fault}` })
                )
          }),
          (exchange) => bounded(exchange, `no answer from the card on ${shownName(name)}`),
          Effect.catch((error) =>
            Effect.flatMap(classify(error), (classified) => {
              if (
                classified.reason === "Timeout" ||
                classified.reason === "CardRemoved" ||
                classified.reason === "ReaderUnavailable"
              )
                broken = classified
              return Effect.fail(classified)
            })
          )
        )
      })

    const atr = card.atr ?? (yield* ctx.readerStatus(name))?.atr ?? new Uint8Array(0)
    return {
      reader: name,
      atr,
      protocol: card.protocol,
      shareMode,
      ...decided,
      transport: CardTransport.of({ capabilities: decided.capabilities, transmit })
    }
  })

/** `CardTransport` (and `PcscSession`) from a session over the given `Pcsc` binding (e.g. `TestDriver`). */
export const layerFrom = (
  options: SessionOptions = {}
): Layer.Layer<CardTransport | PcscSession, TransportError, Pcsc> =>
  Layer.effectContext(
    Effect.map(session(options), (s) => {
      const { transport, ...info } = s
      return Context.make(CardTransport, transport).pipe(Context.add(PcscSession, info))
    })
  )

/** `CardTransport` (and `PcscSession`) over the `smartcard` binding: one card session for the layer's lifetime. */
export const layer = (options: SessionOptions = {}): Layer.Layer<CardTransport | PcscSession, TransportError> =>
  layerFrom(options).pipe(Layer.provide(pcscLayer))
