/**
 * The PC/SC binding behind a small promise interface ({@link Driver}), and the `Pcsc` service that hands it to the
 * rest of the package. The real driver wraps the optional dependency `smartcard` (N-API), loaded lazily with a dynamic
 * import, so this package imports fine on a machine without it; using it there fails with `TransportError`
 * `NotInstalled` saying what to install. `TestDriver` implements the same interface in memory for unit tests.
 *
 * Two pcsc-lite facts shape this module:
 * - Calls on one PC/SC context are serialised by a mutex that a pending `SCardGetStatusChange` holds for its whole
 *   wait, and `smartcard` runs some calls (`listReaders`, `disconnect`) synchronously on the main thread. So every
 *   native call on a context goes through {@link PcscContext.run}, one at a time, and only `SCardCancel` (which does
 *   not take the mutex) bypasses the queue.
 * - A native call cannot be aborted. An interrupted Effect stops waiting, but the call runs on; the next call on the
 *   same context starts after it, and releasing the context waits for it (bounded), so a release never blocks the
 *   event loop on the mutex.
 *
 * @since 0.1.0
 */
import { TransportError } from "@jpcard/core/transport/CardTransport"
import { Context, Duration, Effect, Layer, type Scope } from "effect"
import { notInstalled, type Operation, PcscFailure, shownName, toTransportError } from "./Errors.js"

/** Transmission protocol of a connected card. */
export type Protocol = "T0" | "T1" | "RAW"
/** `exclusive`: no other program may talk to the card while connected; `shared`: others may (between our APDUs). */
export type ShareMode = "exclusive" | "shared"
/** What happens to the card on disconnect: nothing, a warm reset, or power off. */
export type Disposition = "leave" | "reset" | "unpower"

/** Reader state bits (`SCARD_STATE_*`: the same values on pcsc-lite, macOS and Windows). */
export const State = {
  Unaware: 0x0,
  Ignore: 0x1,
  Changed: 0x2,
  Unknown: 0x4,
  Unavailable: 0x8,
  Empty: 0x10,
  Present: 0x20,
  AtrMatch: 0x40,
  Exclusive: 0x80,
  InUse: 0x100,
  Mute: 0x200
} as const

/** One reader's state as `SCardGetStatusChange` reports it. The upper 16 bits of `state` count card events. */
export interface ReaderStatus {
  readonly name: string
  readonly state: number
  readonly atr: Uint8Array | undefined
}

/** A connected card, promise style. */
export interface DriverCard {
  readonly protocol: Protocol
  readonly atr: Uint8Array | undefined
  transmit(command: Uint8Array, maxRecvLength: number): Promise<Uint8Array>
  /** `SCardControl`; `code` as built by {@link Driver.controlCode}. */
  control(code: number, data: Uint8Array): Promise<Uint8Array>
  /**
   * Disconnects. A reset or power-off is done first with an asynchronous `SCardReconnect`, then `SCardDisconnect`
   * leaves the card: `smartcard`'s disconnect is synchronous, and a synchronous reset would block the event loop
   * until the reader answers (forever, when the card is simulated in this very process).
   */
  disconnect(disposition: Disposition): Promise<void>
}

/** A PC/SC context (`SCardEstablishContext`). */
export interface DriverContext {
  /** Readers with their current state. Synchronous in `smartcard`. */
  listReaders(): ReadonlyArray<ReaderStatus>
  /**
   * `SCardGetStatusChange`: resolves with every given reader's new state when one differs from `state`, `"timeout"`
   * after `timeoutMs`, `"cancelled"` after {@link cancel}.
   */
  getStatusChange(
    readers: ReadonlyArray<{ readonly name: string; readonly state: number }>,
    timeoutMs: number
  ): Promise<ReadonlyArray<ReaderStatus> | "timeout" | "cancelled">
  /** `SCardCancel`: ends a pending `getStatusChange`. Safe at any time. */
  cancel(): void
  connect(reader: string, shareMode: ShareMode, protocols: ReadonlyArray<Protocol>): Promise<DriverCard>
  /** `SCardReleaseContext`. */
  release(): void
}

/** A PC/SC binding. */
export interface Driver {
  /** e.g. `smartcard 3.7.0`, for messages. */
  readonly name: string
  /** `SCardEstablishContext`; throws a binding error. */
  establish(): DriverContext
  /** `SCARD_CTL_CODE(code)` on this platform. */
  controlCode(code: number): number
}

/** The service: which binding this program uses. */
export class Pcsc extends Context.Service<Pcsc, { readonly driver: Driver }>()("@jpcard/transport-pcsc/Pcsc") {}

// ---------------------------------------------------------------------------------------------------------------
// The `smartcard` driver
// ---------------------------------------------------------------------------------------------------------------

/** The part of `smartcard`'s module shape this driver uses (typed here so the package compiles without it). */
interface SmartcardCard {
  readonly protocol: number
  readonly atr: Uint8Array | null
  transmit(command: Uint8Array, options?: { maxRecvLength?: number }): Promise<Uint8Array>
  control(code: number, data?: Uint8Array): Promise<Uint8Array>
  disconnect(disposition?: number): void
  reconnect(shareMode?: number, protocol?: number, initialization?: number): Promise<number>
}
interface SmartcardReader {
  readonly name: string
  readonly state: number
  readonly atr: Uint8Array | null
  connect(shareMode?: number, protocol?: number): Promise<SmartcardCard>
}
interface SmartcardContext {
  listReaders(): Array<SmartcardReader>
  waitForChange(
    readers: Array<{ name: string; state: number }>,
    timeout?: number
  ): Promise<Array<{ name: string; state: number; atr: Uint8Array | null }> | null>
  cancel(): void
  close(): void
}
interface SmartcardModule {
  readonly Context: new () => SmartcardContext
  readonly SCARD_CTL_CODE: (code: number) => number
  readonly SCARD_SHARE_EXCLUSIVE: number
  readonly SCARD_SHARE_SHARED: number
  readonly SCARD_PROTOCOL_T0: number
  readonly SCARD_PROTOCOL_T1: number
  readonly SCARD_PROTOCOL_RAW: number
  readonly SCARD_LEAVE_CARD: number
  readonly SCARD_RESET_CARD: number
  readonly SCARD_UNPOWER_CARD: number
}

/** The version of `smartcard` this package is tested with (package.json pins it exactly). */
export const SMARTCARD_VERSION = "3.7.0"

/**
 * Handles still open, closed on process exit (pcscd would free them when the process's socket closes anyway). The
 * exit hook must be synchronous, so it resets with a synchronous `SCardDisconnect(SCARD_RESET_CARD)`, except while
 * this process serves a simulated card through the vpcd bridge (`Vpcd.ts` counts its links under
 * {@link IN_PROCESS_CARDS}): the reset would wait for that card's answer, which this blocked process cannot give.
 */
const openCards = new Set<{ disconnect(): void }>()
const openContexts = new Set<{ release(): void; cancel(): void }>()
/** `globalThis` key of the number of simulated cards this process serves through vpcd. */
export const IN_PROCESS_CARDS: symbol = Symbol.for("@jpcard/transport-pcsc/inProcessVpcdCards")
/** Card handles and contexts of the `smartcard` driver not yet released (for leak checks in tests). */
export const openHandles = (): { readonly cards: number; readonly contexts: number } => ({
  cards: openCards.size,
  contexts: openContexts.size
})
let exitHookInstalled = false
const onProcessExit = () => {
  for (const card of openCards) card.disconnect()
  for (const context of openContexts) {
    // a pending SCardGetStatusChange holds the context: end it first
    try {
      context.cancel()
    } catch {
      // released meanwhile
    }
    context.release()
  }
  openCards.clear()
  openContexts.clear()
}
const track = () => {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once("exit", onProcessExit)
}

const fromSmartcard = (sc: SmartcardModule): Driver => {
  const protocolOf = (value: number): Protocol =>
    value === sc.SCARD_PROTOCOL_T0 ? "T0" : value === sc.SCARD_PROTOCOL_T1 ? "T1" : "RAW"
  const protocolMask = (protocols: ReadonlyArray<Protocol>) =>
    protocols.reduce(
      (mask, p) =>
        mask | (p === "T0" ? sc.SCARD_PROTOCOL_T0 : p === "T1" ? sc.SCARD_PROTOCOL_T1 : sc.SCARD_PROTOCOL_RAW),
      0
    )
  const dispositionOf = (d: Disposition) =>
    d === "leave" ? sc.SCARD_LEAVE_CARD : d === "reset" ? sc.SCARD_RESET_CARD : sc.SCARD_UNPOWER_CARD
  const bytes = (b: Uint8Array | null | undefined) => (b === null || b === undefined ? undefined : new Uint8Array(b))
  const status = (r: { name: string; state: number; atr: Uint8Array | null }): ReaderStatus => ({
    name: r.name,
    state: r.state >>> 0,
    atr: bytes(r.atr)
  })

  return {
    name: `smartcard ${SMARTCARD_VERSION}`,
    controlCode: (code) => sc.SCARD_CTL_CODE(code),
    establish: () => {
      const ctx = new sc.Context()
      const entry = {
        cancel: () => ctx.cancel(),
        release: () => {
          openContexts.delete(entry)
          ctx.close()
        }
      }
      openContexts.add(entry)
      track()
      return {
        listReaders: () => ctx.listReaders().map(status),
        getStatusChange: async (readers, timeoutMs) => {
          const result = await ctx.waitForChange(
            readers.map((r) => ({ name: r.name, state: r.state })),
            Math.max(0, Math.round(timeoutMs))
          )
          if (result === null) return "cancelled"
          if (result.length === 0) return "timeout"
          return result.map(status)
        },
        cancel: () => ctx.cancel(),
        release: entry.release,
        connect: async (readerName, shareMode, protocols) => {
          const reader = ctx.listReaders().find((r) => r.name === readerName)
          if (reader === undefined) throw new PcscFailure("SCARD_E_UNKNOWN_READER", "Unknown reader")
          const share = shareMode === "exclusive" ? sc.SCARD_SHARE_EXCLUSIVE : sc.SCARD_SHARE_SHARED
          const card = await reader.connect(share, protocolMask(protocols))
          const handle = {
            disconnect: () => {
              openCards.delete(handle)
              const simulatedHere = Number((globalThis as Record<symbol, unknown>)[IN_PROCESS_CARDS] ?? 0) > 0
              try {
                card.disconnect(simulatedHere ? sc.SCARD_LEAVE_CARD : sc.SCARD_RESET_CARD)
              } catch {
                // exiting anyway
              }
            }
          }
          openCards.add(handle)
          return {
            protocol: protocolOf(card.protocol),
            atr: bytes(card.atr),
            transmit: async (command, maxRecvLength) =>
              new Uint8Array(await card.transmit(Buffer.from(command), { maxRecvLength })),
            control: async (code, data) => new Uint8Array(await card.control(code, Buffer.from(data))),
            disconnect: async (disposition) => {
              openCards.delete(handle)
              if (disposition !== "leave") {
                try {
                  await card.reconnect(share, card.protocol, dispositionOf(disposition))
                } catch {
                  // the card or the reader is gone: nothing left to reset
                }
              }
              card.disconnect(sc.SCARD_LEAVE_CARD)
            }
          }
        }
      }
    }
  }
}

let loading: Promise<Driver> | undefined

/**
 * Loads `smartcard` once (dynamic import). Fails with `NotInstalled` when the module or `libpcsclite` is missing, or
 * when its native part was not built.
 */
export const loadSmartcard: Effect.Effect<Driver, TransportError> = Effect.tryPromise({
  try: () => {
    // A computed specifier: the package type-checks and bundles without the optional dependency installed.
    const specifier = "smartcard"
    loading ??= import(specifier).then((mod: unknown) => {
      const m = mod as SmartcardModule & { readonly default?: SmartcardModule }
      const sc = typeof m.Context === "function" ? m : m.default
      if (sc === undefined || typeof sc.Context !== "function")
        throw new Error("the module `smartcard` does not export Context")
      return fromSmartcard(sc)
    })
    loading.catch(() => {
      loading = undefined
    })
    return loading
  },
  catch: notInstalled
})

/** `Pcsc` backed by the `smartcard` binding. */
export const layer: Layer.Layer<Pcsc, TransportError> = Layer.effect(
  Pcsc,
  Effect.map(loadSmartcard, (driver) => Pcsc.of({ driver }))
)

/** `Pcsc` over any driver: a second binding, or `TestDriver`. */
export const layerDriver = (driver: Driver): Layer.Layer<Pcsc> => Layer.succeed(Pcsc, Pcsc.of({ driver }))

// ---------------------------------------------------------------------------------------------------------------
// Effect wrapper around one context
// ---------------------------------------------------------------------------------------------------------------

/** One PC/SC context whose native calls run one at a time (see the module comment). */
export interface PcscContext {
  readonly driver: Driver
  /** Runs a native call after every earlier one on this context has settled. Rejections are `TransportError`s. */
  readonly run: <A>(operation: Operation, reader: string | undefined, call: () => A | Promise<A>) => Promise<A>
  /**
   * Whether every native call started so far has settled, waiting at most what is left of the context's release
   * grace (5 s, shared by every release on this context, so a stuck call delays the scope's end once, not per
   * finalizer).
   */
  readonly settled: () => Promise<boolean>
  readonly listReaders: Effect.Effect<ReadonlyArray<ReaderStatus>, TransportError>
  /**
   * Waits up to `timeoutMs` for a state change of these readers; `"timeout"` when none. Interrupting it cancels the
   * native wait.
   */
  readonly statusChange: (
    readers: ReadonlyArray<{ readonly name: string; readonly state: number }>,
    timeoutMs: number
  ) => Effect.Effect<ReadonlyArray<ReaderStatus> | "timeout", TransportError>
  /** The current state of one reader, or `undefined` if it is gone. */
  readonly readerStatus: (name: string) => Effect.Effect<ReaderStatus | undefined, TransportError>
  /**
   * Connects to the card in `reader`; `Timeout` after `timeoutMs` (default: no limit). A connection that completes
   * after its caller gave up (the timeout, an interruption) is disconnected with a reset at once, so an abandoned
   * `SCardConnect` never leaves the card held.
   */
  readonly connect: (
    reader: string,
    shareMode: ShareMode,
    protocols: ReadonlyArray<Protocol>,
    timeoutMs?: number
  ) => Effect.Effect<DriverCard, TransportError>
}

/** How long a release waits for a native call still running (after an interruption or a timeout). */
const RELEASE_GRACE_MS = 5_000

const settleWithin = (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    promise.then(
      () => {
        clearTimeout(timer)
        resolve(true)
      },
      () => {
        clearTimeout(timer)
        resolve(true)
      }
    )
  })

/**
 * What a binding reports about readers, checked: a list of `{ name: string, state: number, atr? }`. Anything else
 * (a binding of another shape, a native layer returning garbage) is a failure of the call, never a TypeError later.
 */
const readerStatuses = (value: unknown): ReadonlyArray<ReaderStatus> => {
  if (!Array.isArray(value)) throw new PcscFailure("UNKNOWN", "the binding returned no reader list")
  return value.map((entry: unknown) => {
    const { name, state, atr } = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>
    if (typeof name !== "string" || typeof state !== "number")
      throw new PcscFailure("UNKNOWN", "the binding returned a reader without a name or a state")
    return { name, state: state >>> 0, atr: atr instanceof Uint8Array ? atr : undefined }
  })
}

/** A card handle from a binding, checked: its three calls must be there; an unknown protocol is `RAW`. */
const driverCard = (value: unknown): DriverCard => {
  const card = (typeof value === "object" && value !== null ? value : {}) as Partial<Record<keyof DriverCard, unknown>>
  const { transmit, control, disconnect } = card
  if (typeof transmit !== "function" || typeof control !== "function" || typeof disconnect !== "function")
    throw new PcscFailure("UNKNOWN", "the binding returned no usable card handle")
  const protocol = card.protocol === "T0" || card.protocol === "T1" ? card.protocol : "RAW"
  return {
    protocol,
    atr: card.atr instanceof Uint8Array ? card.atr : undefined,
    transmit: (command, maxRecvLength) => transmit.call(value, command, maxRecvLength),
    control: (code, data) => control.call(value, code, data),
    disconnect: (disposition) => disconnect.call(value, disposition)
  }
}

/**
 * Establishes a context for the current scope. Releasing it cancels a pending wait, lets a running call finish
 * (within the grace that {@link PcscContext.settled} shares with the card's release, 5 s) and then releases the
 * native context; if the call is still stuck, the release is queued behind it rather than block the event loop (and
 * the process exit hook covers a call that never ends).
 */
export const context: Effect.Effect<PcscContext, TransportError, Pcsc | Scope.Scope> = Effect.gen(function* () {
  const { driver } = yield* Pcsc
  let tail: Promise<unknown> = Promise.resolve()
  let graceEnds: number | undefined
  const settled = (): Promise<boolean> => {
    graceEnds ??= Date.now() + RELEASE_GRACE_MS
    return settleWithin(tail, Math.max(0, graceEnds - Date.now()))
  }
  const raw = yield* Effect.acquireRelease(
    Effect.try({ try: () => driver.establish(), catch: (cause) => toTransportError(cause, "establish") }),
    (ctx) =>
      Effect.promise(async () => {
        try {
          ctx.cancel()
        } catch {
          // nothing pending
        }
        const release = () => {
          try {
            ctx.release()
          } catch {
            // already gone with the service
          }
        }
        if (await settled()) release()
        else void tail.then(release)
      })
  )
  const run = <A>(operation: Operation, reader: string | undefined, call: () => A | Promise<A>): Promise<A> => {
    const next = tail.then(
      () => call(),
      () => call()
    )
    tail = next.then(
      () => undefined,
      () => undefined
    )
    return next.catch((cause: unknown) => {
      throw toTransportError(cause, operation, reader)
    })
  }
  const fromRun = <A>(operation: Operation, reader: string | undefined, call: () => A | Promise<A>) =>
    Effect.tryPromise({
      try: () => run(operation, reader, call),
      catch: (error) => error as TransportError
    })

  const statusChange = (
    readers: ReadonlyArray<{ readonly name: string; readonly state: number }>,
    timeoutMs: number
  ): Effect.Effect<ReadonlyArray<ReaderStatus> | "timeout", TransportError> =>
    Effect.tryPromise({
      try: (signal) => {
        const onAbort = () => {
          try {
            raw.cancel()
          } catch {
            // context already released
          }
        }
        signal.addEventListener("abort", onAbort, { once: true })
        return run("wait", readers.length === 1 ? readers[0]!.name : undefined, async () => {
          if (signal.aborted) return "timeout" as const
          const result: unknown = await raw.getStatusChange(readers, timeoutMs)
          return result === "cancelled" || result === "timeout" ? ("timeout" as const) : readerStatuses(result)
        }).finally(() => signal.removeEventListener("abort", onAbort))
      },
      catch: (error) => error as TransportError
    })

  const listReaders = fromRun("list", undefined, () => readerStatuses(raw.listReaders()))

  return {
    driver,
    run,
    settled,
    listReaders,
    statusChange,
    readerStatus: (name) => Effect.map(listReaders, (readers) => readers.find((r) => r.name === name)),
    connect: (reader, shareMode, protocols, timeoutMs = Number.POSITIVE_INFINITY) =>
      Effect.tryPromise({
        try: (signal) =>
          new Promise<DriverCard>((resolve, reject) => {
            let abandoned = false
            const giveUp = () => {
              abandoned = true
              clearTimeout(timer)
            }
            const timer = Number.isFinite(timeoutMs)
              ? setTimeout(() => {
                  giveUp()
                  reject(
                    new TransportError({
                      reason: "Timeout",
                      detail: `no connection to the card on ${shownName(reader)} within ${Duration.format(Duration.millis(timeoutMs))}`
                    })
                  )
                }, timeoutMs)
              : undefined
            signal.addEventListener("abort", giveUp, { once: true })
            run("connect", reader, async () => {
              if (abandoned) throw new PcscFailure("SCARD_E_CANCELLED", "the connect was given up before it began")
              const card = driverCard(await raw.connect(reader, shareMode, protocols))
              // Still inside this call's turn: nothing else on the context runs before the handle is let go.
              if (abandoned) await Promise.resolve(card.disconnect("reset")).catch(() => undefined)
              return card
            }).then(
              (card) => {
                signal.removeEventListener("abort", giveUp)
                clearTimeout(timer)
                if (!abandoned) resolve(card)
              },
              (error: unknown) => {
                signal.removeEventListener("abort", giveUp)
                clearTimeout(timer)
                if (!abandoned) reject(error)
              }
            )
          }),
        catch: (error) => error as TransportError
      })
  }
})
