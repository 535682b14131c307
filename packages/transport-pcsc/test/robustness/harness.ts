// The robustness tests' tools: a hostile PC/SC binding (the in-memory TestDriver with any call replaced), the
// outcome every run must end in (a value or one TransportError: never a defect, an interruption or a foreign error),
// hostile things a binding may throw, and the discretion check on error texts.
import { TransportError } from "@jpcard/core/transport/CardTransport"
import { Cause, Effect, Exit } from "effect"
import fc from "fast-check"
import type * as Pcsc from "../../src/Pcsc.js"
import * as TestDriver from "../../src/TestDriver.js"

export const hex = (b: Uint8Array) =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase()

/** A card that answers SELECT with 9000 and anything else with 6D00. */
export const card = (protocol: "T0" | "T1" = "T1"): TestDriver.TestCard & { readonly log: Array<string> } => {
  const log: Array<string> = []
  return {
    log,
    atr: Uint8Array.of(0x3b, 0x88, 0x80, 0x01, 0, 0, 0, 0, 0, 0x81, 0x71, 0, 0x79),
    protocol,
    powerOn: () => void log.push("on"),
    powerOff: () => void log.push("off"),
    transmit: (command) => (command[1] === 0xa4 ? Uint8Array.of(0x90, 0x00) : Uint8Array.of(0x6d, 0x00))
  }
}

/** VERIFY with a 4-digit PIN (ASCII), the command whose data must never show. */
export const verify = (pin: string) =>
  Uint8Array.of(0x00, 0x20, 0x00, 0x80, pin.length, ...Array.from(pin, (c) => c.charCodeAt(0)))

/** Replacements for a binding's calls; each gets the in-memory driver's own call as `real`. */
export interface Overrides {
  readonly listReaders?: (real: () => ReadonlyArray<Pcsc.ReaderStatus>) => unknown
  readonly getStatusChange?: (
    readers: ReadonlyArray<{ readonly name: string; readonly state: number }>,
    timeoutMs: number,
    real: () => Promise<ReadonlyArray<Pcsc.ReaderStatus> | "timeout" | "cancelled">
  ) => unknown
  readonly connect?: (real: () => Promise<Pcsc.DriverCard>) => unknown
  readonly transmit?: (command: Uint8Array, maxRecvLength: number, real: () => Promise<Uint8Array>) => unknown
}

/** The in-memory driver with some calls replaced: what a foreign or broken binding may do. */
export const hostile = (base: TestDriver.TestDriver, overrides: Overrides): Pcsc.Driver => ({
  name: "hostile",
  controlCode: base.controlCode,
  establish: () => {
    const ctx = base.establish()
    return {
      ...ctx,
      listReaders: () =>
        (overrides.listReaders === undefined
          ? ctx.listReaders()
          : overrides.listReaders(() => ctx.listReaders())) as ReadonlyArray<Pcsc.ReaderStatus>,
      getStatusChange: (readers, timeoutMs) =>
        (overrides.getStatusChange === undefined
          ? ctx.getStatusChange(readers, timeoutMs)
          : overrides.getStatusChange(readers, timeoutMs, () => ctx.getStatusChange(readers, timeoutMs))) as ReturnType<
          Pcsc.DriverContext["getStatusChange"]
        >,
      connect: async (reader, shareMode, protocols) => {
        const real = () => ctx.connect(reader, shareMode, protocols)
        if (overrides.connect !== undefined) return overrides.connect(real) as Pcsc.DriverCard
        const card = await real()
        const transmit = overrides.transmit
        if (transmit === undefined) return card
        return {
          ...card,
          transmit: (command, maxRecvLength) =>
            transmit(command, maxRecvLength, () => card.transmit(command, maxRecvLength)) as Promise<Uint8Array>
        }
      }
    }
  }
})

export type Outcome<A> =
  | { readonly _tag: "Success"; readonly value: A }
  | { readonly _tag: "Failure"; readonly error: TransportError }

/** A value or exactly one `TransportError`; anything else (a defect, an interruption, a foreign error) throws. */
export const outcomeOf = <A>(exit: Exit.Exit<A, unknown>): Outcome<A> => {
  if (Exit.isSuccess(exit)) return { _tag: "Success", value: exit.value }
  const reasons = exit.cause.reasons
  const reason = reasons[0]
  if (reasons.length !== 1 || reason === undefined || !Cause.isFailReason(reason))
    throw new Error(`not one typed failure:\n${Cause.pretty(exit.cause)}`)
  if (!(reason.error instanceof TransportError)) throw new Error(`not a TransportError:\n${Cause.pretty(exit.cause)}`)
  return { _tag: "Failure", error: reason.error }
}

export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<Outcome<A>> =>
  Effect.runPromise(Effect.exit(effect)).then(outcomeOf)

/** Everything an error shows. */
export const textsOf = (error: TransportError): ReadonlyArray<string> => [error.message, JSON.stringify(error)]

/** A run of 16 or more hex digits: bytes dumped into text (as in the core's robustness oracles). */
const hexDump = /[0-9A-Fa-f]{16,}/

/** The error shows none of `secrets`, no byte dump, and stays short. */
export const assertDiscreet = (error: TransportError, secrets: ReadonlyArray<string>): void => {
  for (const text of textsOf(error)) {
    for (const secret of secrets) if (text.includes(secret)) throw new Error(`the error shows ${secret}: ${text}`)
    if (hexDump.test(text)) throw new Error(`the error shows a byte dump: ${text}`)
    if (text.length > 2000) throw new Error(`an error of ${text.length} characters`)
  }
}

/** A proxy whose every trap throws: reading anything of it fails. */
export const trap = (): object => {
  const fail = () => {
    throw new Error("trap")
  }
  return new Proxy({}, { get: fail, has: fail, getPrototypeOf: fail, ownKeys: fail, getOwnPropertyDescriptor: fail })
}

/**
 * Hostile things a binding may throw or reject with, as functions of the command (some echo it into their message,
 * as a careless binding or bridge would), so that a run can be repeated with another command (the twin check).
 */
export const cause: fc.Arbitrary<(command: Uint8Array) => unknown> = fc.oneof(
  fc
    .constantFrom<unknown>(
      null,
      undefined,
      0,
      "",
      Symbol("weird"),
      Object.create(null),
      new Error("Card was removed"),
      new Error("Transaction failed"),
      new Error("Communication error"),
      new Error("constructor"),
      new Error("__proto__"),
      Object.assign(new Error("x"), { message: 42 }),
      Object.assign(new Error("x"), { code: "SCARD_E_TIMEOUT" }),
      { code: 0x80100069 | 0, message: "?" },
      {
        get message(): string {
          throw new Error("getter")
        }
      },
      new Error("x".repeat(100_000)),
      new Error("line\nbreak\u0000and\u2028control")
    )
    .map((value) => () => value),
  // made when thrown: fast-check itself looks into the values it generates
  fc.constant(() => trap()),
  fc.constantFrom(
    (command: Uint8Array) => new Error(`transmit failed for ${hex(command)}`),
    (command: Uint8Array) => new Error(`transmit failed for ${hex(command).toLowerCase()}`),
    (command: Uint8Array) => new Error(`transmit failed: ${Array.from(command).join(",")}`),
    (command: Uint8Array) => new Error(`transmit failed: ${String.fromCharCode(...command)}`),
    (command: Uint8Array) => `APDU ${hex(command)} refused`
  ),
  fc.string({ maxLength: 300 }).map((m) => () => new Error(m)),
  fc.anything().map((value) => () => value)
)

/** The in-memory driver with two readers, R0 (short APDUs only: a 258-byte receive buffer) and R1, a card in R0. */
export const R0 = "Test Reader 0"
export const R1 = "Test Reader 1"
export const twoReaders = () => {
  const pcsc = TestDriver.make()
  pcsc.addReader(R0, { maxApduDataSize: 0 })
  pcsc.addReader(R1)
  pcsc.insert(R0, card())
  return pcsc
}

/** Resolves on the next macrotask (as a native binding's callback does), so timers still run between calls. */
export const later = <A>(value: A): Promise<A> => new Promise((resolve) => setTimeout(() => resolve(value), 0))
