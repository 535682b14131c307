/**
 * The card session of a command: one PC/SC connection, scoped to the command's work. The connection is released on
 * success, failure and Ctrl-C alike (after a failure or an interruption the card is reset, so no authenticated state
 * survives). The PC/SC binding is a `Context.Reference`: the `smartcard` binding by default, an in-memory driver in
 * tests.
 */
import type { CardTransport, TransportError } from "@jpcard/core/transport/CardTransport"
import { Pcsc, PcscTransport } from "@jpcard/transport-pcsc"
import { Context, Effect, Layer, Option } from "effect"
import { Flag } from "effect/cli"
import { hex } from "./Output.js"

/** The PC/SC binding the commands use. Override it to run them against `TestDriver`. */
export const PcscBinding = Context.Reference<Layer.Layer<Pcsc.Pcsc, TransportError>>("@jpcard/cli/PcscBinding", {
  defaultValue: () => Pcsc.layer
})

/** `--reader` and `--wait`, shared by every command that talks to a card. */
export const readerFlags = {
  reader: Flag.String("reader").pipe(
    Flag.withDescription(
      "the reader to use: its exact name or a part of it (case-insensitive), as `jpcard readers` lists them. Default: the only reader, or the one holding a card (commands that send a PIN or password refuse to choose among several)"
    ),
    Flag.optional
  ),
  wait: Flag.Int("wait").pipe(
    Flag.withDescription(
      "wait up to this many seconds for a card to be placed on the reader (default 0: fail at once)"
    ),
    Flag.withDefault(0)
  )
}

export interface ReaderOptions {
  readonly reader: Option.Option<string>
  readonly wait: number
}

/**
 * Runs `effect` on one card session. Progress (which reader) goes to stderr. The session is released when `effect`
 * ends, whichever way. `sendsSecret`: the work sends a PIN, password or verification number; then, with no
 * `--reader`, several readers holding a card is an error rather than the first one (a wrong card would lose a try).
 */
export const onCard = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  options: ReaderOptions,
  { sendsSecret }: { readonly sendsSecret: boolean }
): Effect.Effect<A, E | TransportError, Exclude<R, CardTransport | PcscTransport.PcscSession>> =>
  Effect.gen(function* () {
    const binding = yield* PcscBinding
    const session = PcscTransport.layerFrom({
      reader: Option.getOrUndefined(options.reader),
      whenSeveralCards: sendsSecret ? "fail" : "first",
      ...(options.wait > 0 ? { waitForCard: `${options.wait} seconds` } : {})
    }).pipe(Layer.provide(binding))
    if (options.wait > 0) yield* Effect.sync(() => console.error(`waiting up to ${options.wait} s for a card…`))
    return yield* Effect.gen(function* () {
      const info = yield* PcscTransport.PcscSession
      yield* Effect.sync(() =>
        console.error(
          `reader "${info.reader}": card connected (ATR ${hex(info.atr)}, ${info.protocol === "RAW" ? "raw" : `T=${info.protocol.slice(1)}`})`
        )
      )
      return yield* effect
    }).pipe(Effect.provide(session))
  }) as Effect.Effect<A, E | TransportError, Exclude<R, CardTransport | PcscTransport.PcscSession>>
