/**
 * An in-memory PC/SC {@link Driver} for unit tests: readers that come and go, cards (any `(command) => response`
 * model, e.g. a `@jpcard/sim` card) inserted and removed, exclusive and shared connections, scripted failures, and a
 * log of connects, disconnects (with their disposition) and context releases, so tests can check that no handle
 * leaks. It follows pcsc-lite's observable behaviour, not its timing.
 *
 * ```ts
 * const pcsc = TestDriver.make()
 * pcsc.addReader("Test Reader 0")
 * pcsc.insert("Test Reader 0", card)
 * Effect.provide(program, PcscTransport.layerFrom({}).pipe(Layer.provide(Pcsc.layerDriver(pcsc))))
 * ```
 *
 * @since 0.1.0
 */
import { PcscFailure, type ScardName } from "./Errors.js"
import {
  type Disposition,
  type Driver,
  type DriverCard,
  type DriverContext,
  type Protocol,
  type ReaderStatus,
  type ShareMode,
  State
} from "./Pcsc.js"

/** A card model: at least an ATR and an APDU function. */
export interface TestCard {
  readonly atr: Uint8Array
  transmit(command: Uint8Array): Uint8Array
  powerOn?(): void
  powerOff?(): void
  /** Default `T1`. */
  readonly protocol?: Protocol
}

export interface TestReaderOptions {
  /**
   * What the reader reports as PC/SC Part 10 `dwMaxAPDUDataSize` (0: short APDUs only). Without it, the reader does
   * not implement `CM_IOCTL_GET_FEATURE_REQUEST` (as many drivers, and Debian's vpcd, do not).
   */
  readonly maxApduDataSize?: number
}

type Failure = ScardName | { readonly hang: true }
type FailingOperation = "transmit" | "connect" | "control"

interface ReaderModel {
  readonly name: string
  readonly options: TestReaderOptions
  card: TestCard | undefined
  powered: boolean
  /** Card insertions and removals so far (the upper 16 bits of the PC/SC state). */
  events: number
  exclusive: number | undefined
  shared: Set<number>
  failures: Array<{ readonly operation: FailingOperation; readonly failure: Failure }>
}

export interface TestDriver extends Driver {
  addReader(name: string, options?: TestReaderOptions): void
  /** Unplugs a reader: its cards' handles fail with `SCARD_E_READER_UNAVAILABLE`. */
  removeReader(name: string): void
  insert(reader: string, card: TestCard): void
  remove(reader: string): void
  /**
   * The next transmit, connect or control call on this reader fails with this code, or does not answer
   * (`{ hang: true }`) until {@link releaseHung}.
   */
  failNext(reader: string, operation: FailingOperation, failure: Failure): void
  /** When false, `establish` fails with `SCARD_E_NO_SERVICE`. */
  serviceRunning: boolean
  /** `connect`, `disconnect <disposition>`, `transmit`, `release` lines, in order. */
  readonly log: Array<string>
  /** Connected card handles not yet disconnected. */
  openHandles(): number
  /** Contexts not yet released. */
  openContexts(): number
  /** APDUs transmitted so far (all readers). */
  transmitted(): number
  /**
   * Lets every hung call go on: a hung transmit or control call fails with `SCARD_E_NOT_TRANSACTED`, a hung connect
   * connects (as a slow `SCardConnect` that finally succeeds).
   */
  releaseHung(): void
}

const FEATURE_GET_TLV_PROPERTIES = 0x12
const PROPERTY_MAX_APDU_DATA_SIZE = 0x0a
const IOCTL_BASE = 0x42000000

export const make = (): TestDriver => {
  const readers = new Map<string, ReaderModel>()
  const log: Array<string> = []
  const waiters = new Set<() => void>()
  const hung = new Set<(error: PcscFailure) => void>()
  const hungConnects = new Set<() => void>()
  let handles = 0
  let contexts = 0
  let nextHandle = 1
  let transmitted = 0
  const open = new Set<number>()

  const notify = () => {
    for (const wake of [...waiters]) wake()
  }
  const fail = (scard: ScardName): PcscFailure => new PcscFailure(scard, scard)

  const stateOf = (name: string): number => {
    const reader = readers.get(name)
    if (reader === undefined) return State.Unknown | State.Unavailable
    let state = (reader.events & 0xffff) << 16
    if (reader.card === undefined) state |= State.Empty
    else {
      state |= State.Present
      if (reader.exclusive !== undefined) state |= State.Exclusive
      if (reader.exclusive !== undefined || reader.shared.size > 0) state |= State.InUse
    }
    return state >>> 0
  }
  const statusOf = (name: string): ReaderStatus => ({
    name,
    state: stateOf(name),
    atr: readers.get(name)?.card?.atr.slice()
  })

  const takeFailure = (reader: ReaderModel, operation: FailingOperation): Failure | undefined => {
    const index = reader.failures.findIndex((f) => f.operation === operation)
    if (index < 0) return undefined
    return reader.failures.splice(index, 1)[0]!.failure
  }

  const driver: TestDriver = {
    name: "TestDriver",
    serviceRunning: true,
    log,
    controlCode: (code) => IOCTL_BASE + code,
    openHandles: () => handles,
    openContexts: () => contexts,
    transmitted: () => transmitted,
    releaseHung: () => {
      for (const reject of [...hung]) reject(fail("SCARD_E_NOT_TRANSACTED"))
      hung.clear()
      for (const proceed of [...hungConnects]) proceed()
      hungConnects.clear()
    },
    addReader: (name, options = {}) => {
      readers.set(name, {
        name,
        options,
        card: undefined,
        powered: false,
        events: 0,
        exclusive: undefined,
        shared: new Set(),
        failures: []
      })
      notify()
    },
    removeReader: (name) => {
      readers.delete(name)
      notify()
    },
    insert: (name, card) => {
      const reader = readers.get(name)
      if (reader === undefined) throw new Error(`no test reader "${name}"`)
      reader.card = card
      reader.powered = false
      reader.events++
      notify()
    },
    remove: (name) => {
      const reader = readers.get(name)
      if (reader === undefined || reader.card === undefined) return
      reader.card.powerOff?.()
      reader.card = undefined
      reader.powered = false
      reader.events++
      reader.exclusive = undefined
      reader.shared.clear()
      notify()
    },
    failNext: (name, operation, failure) => {
      const reader = readers.get(name)
      if (reader === undefined) throw new Error(`no test reader "${name}"`)
      reader.failures.push({ operation, failure })
    },
    establish: (): DriverContext => {
      if (!driver.serviceRunning) throw fail("SCARD_E_NO_SERVICE")
      contexts++
      let released = false
      let cancelPending: (() => void) | undefined
      const check = () => {
        if (released) throw fail("SCARD_E_INVALID_HANDLE")
      }
      return {
        listReaders: () => {
          check()
          return [...readers.keys()].map(statusOf)
        },
        getStatusChange: (watched, timeoutMs) => {
          check()
          const changed = () =>
            watched.some((w) => (stateOf(w.name) & ~State.Changed) !== ((w.state >>> 0) & ~State.Changed))
          const result = () =>
            watched.map((w) => {
              const s = statusOf(w.name)
              const differs = (s.state & ~State.Changed) !== ((w.state >>> 0) & ~State.Changed)
              return { ...s, state: (s.state | (differs ? State.Changed : 0)) >>> 0 }
            })
          if (changed()) return Promise.resolve(result())
          return new Promise((resolve) => {
            const done = (value: ReadonlyArray<ReaderStatus> | "timeout" | "cancelled") => {
              clearTimeout(timer)
              waiters.delete(wake)
              cancelPending = undefined
              resolve(value)
            }
            const wake = () => {
              if (changed()) done(result())
            }
            const timer = setTimeout(() => done("timeout"), timeoutMs)
            waiters.add(wake)
            cancelPending = () => done("cancelled")
          })
        },
        cancel: () => cancelPending?.(),
        release: () => {
          if (released) return
          released = true
          contexts--
          cancelPending?.()
          log.push("release")
        },
        connect: async (name, shareMode: ShareMode, protocols): Promise<DriverCard> => {
          check()
          const reader = readers.get(name)
          if (reader === undefined) throw fail("SCARD_E_UNKNOWN_READER")
          const injected = takeFailure(reader, "connect")
          if (injected !== undefined && typeof injected === "string") throw fail(injected)
          if (injected !== undefined) await new Promise<void>((proceed) => hungConnects.add(proceed))
          if (reader.card === undefined) throw fail("SCARD_E_NO_SMARTCARD")
          if (reader.exclusive !== undefined) throw fail("SCARD_E_SHARING_VIOLATION")
          if (shareMode === "exclusive" && reader.shared.size > 0) throw fail("SCARD_E_SHARING_VIOLATION")
          const card = reader.card
          const protocol = card.protocol ?? "T1"
          if (!protocols.includes(protocol)) throw fail("SCARD_E_PROTO_MISMATCH")
          if (!reader.powered) {
            card.powerOn?.()
            reader.powered = true
          }
          const id = nextHandle++
          if (shareMode === "exclusive") reader.exclusive = id
          else reader.shared.add(id)
          handles++
          open.add(id)
          log.push(`connect ${name} ${shareMode}`)
          notify()
          const events = reader.events
          const alive = () => {
            if (!open.has(id)) throw fail("SCARD_E_INVALID_HANDLE")
            const current = readers.get(name)
            if (current === undefined) throw fail("SCARD_E_READER_UNAVAILABLE")
            if (current.card === undefined || current.events !== events) throw fail("SCARD_W_REMOVED_CARD")
            return current
          }
          return {
            protocol,
            atr: card.atr.slice(),
            transmit: (command, maxRecvLength) =>
              new Promise<Uint8Array>((resolve, reject) => {
                const current = alive()
                const failure = takeFailure(current, "transmit")
                if (failure !== undefined) {
                  if (typeof failure === "string") return reject(fail(failure))
                  hung.add(reject)
                  return
                }
                transmitted++
                log.push("transmit")
                const response = current.card!.transmit(command)
                if (response.length > maxRecvLength) return reject(fail("SCARD_E_INSUFFICIENT_BUFFER"))
                resolve(response)
              }),
            control: async (code, _data) => {
              const current = alive()
              const failure = takeFailure(current, "control")
              if (failure !== undefined) {
                if (typeof failure === "string") throw fail(failure)
                await new Promise<never>((_, reject) => hung.add(reject))
              }
              const max = current.options.maxApduDataSize
              if (max === undefined) throw fail("SCARD_E_UNSUPPORTED_FEATURE")
              const propertiesCode = IOCTL_BASE + 0x3500
              if (code === IOCTL_BASE + 3400)
                return Uint8Array.of(
                  FEATURE_GET_TLV_PROPERTIES,
                  4,
                  (propertiesCode >>> 24) & 0xff,
                  (propertiesCode >>> 16) & 0xff,
                  (propertiesCode >>> 8) & 0xff,
                  propertiesCode & 0xff
                )
              if (code === propertiesCode)
                return Uint8Array.of(
                  PROPERTY_MAX_APDU_DATA_SIZE,
                  4,
                  max & 0xff,
                  (max >>> 8) & 0xff,
                  (max >>> 16) & 0xff,
                  (max >>> 24) & 0xff
                )
              throw fail("SCARD_E_UNSUPPORTED_FEATURE")
            },
            disconnect: async (disposition: Disposition) => {
              if (!open.has(id)) return
              open.delete(id)
              handles--
              const current = readers.get(name)
              if (current !== undefined) {
                if (current.exclusive === id) current.exclusive = undefined
                current.shared.delete(id)
                if (disposition !== "leave" && current.card !== undefined && current.events === events) {
                  current.card.powerOff?.()
                  current.powered = false
                  if (disposition === "reset") {
                    current.card.powerOn?.()
                    current.powered = true
                  }
                }
              }
              log.push(`disconnect ${name} ${disposition}`)
              notify()
            }
          }
        }
      }
    }
  }
  return driver
}
