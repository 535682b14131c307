/**
 * The same sessions for plain `async` code. Failures reject with the `TransportError` itself (its `reason` says
 * what happened, its `message` what to do).
 *
 * ```ts
 * import { ResidenceCard } from "@jpcard/core"
 * import { Async } from "@jpcard/transport-pcsc"
 *
 * console.log(await Async.listReaders())
 * const card = await Async.run(ResidenceCard.read("AB12345678CD"), { reader: /PaSoRi/ })
 * const atr = await Async.withCard({}, async (card) => card.atr)
 * ```
 *
 * @since 0.1.0
 */
import type { CardTransport, TransportError } from "@jpcard/core/transport/CardTransport"
import { Effect, Layer } from "effect"
import { type Pcsc, layer as pcscLayer } from "./Pcsc.js"
import { layerFrom, type SessionInfo, type SessionOptions, session } from "./PcscTransport.js"
import { list, type ReaderInfo } from "./Readers.js"

/** A connected card for `withCard`. */
export interface AsyncCard extends SessionInfo {
  /** Sends one command APDU and resolves with the whole response (data ‖ SW1 SW2). */
  transmit(command: Uint8Array): Promise<Uint8Array>
}

export interface AsyncPcsc {
  /** Readers known to PC/SC, with their card state. */
  readonly listReaders: () => Promise<ReadonlyArray<ReaderInfo>>
  /**
   * Connects, runs `use`, and disconnects (resetting the card if `use` failed). `use` must not keep the card after
   * its promise settles.
   */
  readonly withCard: <A>(options: SessionOptions, use: (card: AsyncCard) => Promise<A>) => Promise<A>
  /** Runs any Effect that needs a `CardTransport` (e.g. `ResidenceCard.read`) on one card session. */
  readonly run: <A, E>(effect: Effect.Effect<A, E, CardTransport>, options?: SessionOptions) => Promise<A>
}

/** The async API over a given binding layer (the default one uses `smartcard`; tests pass `TestDriver`). */
export const make = (binding: Layer.Layer<Pcsc, TransportError>): AsyncPcsc => ({
  listReaders: () => Effect.runPromise(list.pipe(Effect.provide(binding))),
  withCard: (options, use) =>
    Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const { transport, ...info } = yield* session(options)
          return yield* Effect.tryPromise({
            try: () => use({ ...info, transmit: (command) => Effect.runPromise(transport.transmit(command)) }),
            catch: (error) => error
          })
        })
      ).pipe(Effect.provide(binding))
    ),
  run: (effect, options = {}) =>
    Effect.runPromise(effect.pipe(Effect.provide(layerFrom(options).pipe(Layer.provide(binding)))))
})

const live = make(pcscLayer)

/** Readers known to PC/SC, with their card state. */
export const listReaders: AsyncPcsc["listReaders"] = live.listReaders

/** Connects to a card, runs `use`, disconnects (resetting the card if `use` failed). */
export const withCard: AsyncPcsc["withCard"] = live.withCard

/** Runs any Effect that needs a `CardTransport` (e.g. `ResidenceCard.read`) on one PC/SC card session. */
export const run: AsyncPcsc["run"] = live.run
