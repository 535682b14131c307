/**
 * PC/SC failures and their mapping onto the core's `TransportError` reasons, with details that tell a person what to
 * do. The binding reports failures by message (`smartcard`) or by code (other bindings); both are normalised into
 * {@link PcscFailure} carrying the `SCARD_*` name, then mapped by the operation that failed: a missing card is
 * `NoCard` when connecting and `CardRemoved` in the middle of a session.
 *
 * @since 0.1.0
 */
import { kindOf } from "@jpcard/core/Input"
import { describeCause, TransportError } from "@jpcard/core/transport/CardTransport"
import { Duration, Option, Result } from "effect"

/** PC/SC return codes (pcsc-lite `pcsclite.h`, Windows `winerror.h`: the same values). */
export const ScardCode = {
  SCARD_E_CANCELLED: 0x80100002,
  SCARD_E_CANT_DISPOSE: 0x8010000e,
  SCARD_E_INSUFFICIENT_BUFFER: 0x80100008,
  SCARD_E_INVALID_ATR: 0x80100015,
  SCARD_E_INVALID_HANDLE: 0x80100003,
  SCARD_E_INVALID_PARAMETER: 0x80100004,
  SCARD_E_INVALID_TARGET: 0x80100005,
  SCARD_E_INVALID_VALUE: 0x80100011,
  SCARD_E_NO_MEMORY: 0x80100006,
  SCARD_E_NO_SERVICE: 0x8010001d,
  SCARD_E_NO_SMARTCARD: 0x8010000c,
  SCARD_E_NOT_READY: 0x80100010,
  SCARD_E_NOT_TRANSACTED: 0x80100016,
  SCARD_E_PCI_TOO_SMALL: 0x80100019,
  SCARD_E_PROTO_MISMATCH: 0x8010000f,
  SCARD_E_READER_UNAVAILABLE: 0x80100017,
  SCARD_E_SERVICE_STOPPED: 0x8010001e,
  SCARD_E_SHARING_VIOLATION: 0x8010000b,
  SCARD_E_SYSTEM_CANCELLED: 0x80100012,
  SCARD_E_TIMEOUT: 0x8010000a,
  SCARD_E_UNKNOWN_CARD: 0x8010000d,
  SCARD_E_UNKNOWN_READER: 0x80100009,
  SCARD_E_NO_READERS_AVAILABLE: 0x8010002e,
  SCARD_E_UNSUPPORTED_FEATURE: 0x8010001f,
  SCARD_F_COMM_ERROR: 0x80100013,
  SCARD_F_INTERNAL_ERROR: 0x80100001,
  SCARD_F_UNKNOWN_ERROR: 0x80100014,
  SCARD_W_REMOVED_CARD: 0x80100069,
  SCARD_W_RESET_CARD: 0x80100068,
  SCARD_W_UNPOWERED_CARD: 0x80100067,
  SCARD_W_UNRESPONSIVE_CARD: 0x80100066,
  SCARD_W_UNSUPPORTED_CARD: 0x80100065
} as const
export type ScardName = keyof typeof ScardCode | "UNKNOWN"

/**
 * The messages of the `smartcard` binding (its `pcsc_errors.h`), which rejects with a plain `Error` carrying only
 * the message.
 */
const smartcardMessages: Record<string, ScardName> = {
  "Operation cancelled": "SCARD_E_CANCELLED",
  "Cannot dispose handle": "SCARD_E_CANT_DISPOSE",
  "Insufficient buffer": "SCARD_E_INSUFFICIENT_BUFFER",
  "Invalid ATR": "SCARD_E_INVALID_ATR",
  "Invalid handle": "SCARD_E_INVALID_HANDLE",
  "Invalid parameter": "SCARD_E_INVALID_PARAMETER",
  "Invalid target": "SCARD_E_INVALID_TARGET",
  "Invalid value": "SCARD_E_INVALID_VALUE",
  "Not enough memory": "SCARD_E_NO_MEMORY",
  "PC/SC service not running": "SCARD_E_NO_SERVICE",
  "No smart card present": "SCARD_E_NO_SMARTCARD",
  "Reader not ready": "SCARD_E_NOT_READY",
  "Transaction failed": "SCARD_E_NOT_TRANSACTED",
  "PCI struct too small": "SCARD_E_PCI_TOO_SMALL",
  "Protocol mismatch": "SCARD_E_PROTO_MISMATCH",
  "Reader unavailable": "SCARD_E_READER_UNAVAILABLE",
  "PC/SC service stopped": "SCARD_E_SERVICE_STOPPED",
  "Sharing violation": "SCARD_E_SHARING_VIOLATION",
  "System cancelled operation": "SCARD_E_SYSTEM_CANCELLED",
  "Operation timed out": "SCARD_E_TIMEOUT",
  "Unknown card type": "SCARD_E_UNKNOWN_CARD",
  "Unknown reader": "SCARD_E_UNKNOWN_READER",
  "No readers available": "SCARD_E_NO_READERS_AVAILABLE",
  "Communication error": "SCARD_F_COMM_ERROR",
  "Internal error": "SCARD_F_INTERNAL_ERROR",
  "Card was removed": "SCARD_W_REMOVED_CARD",
  "Card was reset": "SCARD_W_RESET_CARD",
  "Card is unpowered": "SCARD_W_UNPOWERED_CARD",
  "Card is unresponsive": "SCARD_W_UNRESPONSIVE_CARD",
  "Card is not supported": "SCARD_W_UNSUPPORTED_CARD",
  "Card is not connected": "SCARD_E_INVALID_HANDLE",
  "Context is not valid": "SCARD_E_INVALID_HANDLE"
}

/** The `SCARD_*` name of a `smartcard` message. Own keys only: "constructor" or "__proto__" are not messages. */
const knownMessage = (message: string): ScardName | undefined =>
  Object.hasOwn(smartcardMessages, message) ? smartcardMessages[message] : undefined

const byCode = new Map<number, ScardName>(
  Object.entries(ScardCode).map(([name, code]) => [code, name as ScardName] as const)
)

/** Reads a property of what a binding threw; `undefined` when there is none or reading it throws (a proxy, a getter). */
const field = (value: unknown, key: string): unknown => {
  try {
    return (typeof value === "object" || typeof value === "function") && value !== null
      ? (value as Record<string, unknown>)[key]
      : undefined
  } catch {
    return undefined
  }
}

const isPcscFailure = (value: unknown): value is PcscFailure => {
  try {
    return value instanceof PcscFailure
  } catch {
    return false
  }
}

/** The text of what a binding threw. `String(x)` alone throws on an object without a prototype. */
const messageOf = (cause: unknown): string => {
  const message = field(cause, "message")
  if (typeof message === "string") return message
  if (typeof cause === "string") return cause
  try {
    return String(cause)
  } catch {
    return "(an error without a message)"
  }
}

/**
 * How a binding's own message is shown: the core's `describeCause` (one line, at most 160 characters, bytes written
 * out in it replaced by "…"), the same masking every transport applies. The binding is untrusted and its message is
 * free text: one that echoes the command would otherwise put the APDU's data (a PIN, a card number) into the error.
 * The messages PC/SC itself uses pass as they are; the SCARD code is shown separately.
 */
export const shownMessage = (message: string): string =>
  knownMessage(message) !== undefined ? message : describeCause(message)

/** A name from PC/SC (untrusted) as a message shows it: JSON-quoted, at most 100 characters. */
export const shownName = (name: string): string => JSON.stringify(name.length > 100 ? `${name.slice(0, 99)}…` : name)

/** A failed PC/SC call, normalised: the `SCARD_*` name, its code, and the binding's own message. */
export class PcscFailure extends Error {
  override readonly name = "PcscFailure"
  readonly scard: ScardName
  readonly code: number | undefined

  constructor(scard: ScardName, message: string) {
    super(message)
    this.scard = scard
    this.code = scard === "UNKNOWN" ? undefined : ScardCode[scard]
  }

  /**
   * From whatever a binding threw: a message of `smartcard`, a numeric `code`, or anything else. Never throws itself:
   * a binding may throw `null`, an object without a prototype, or one whose getters throw.
   */
  static from(cause: unknown): PcscFailure {
    if (isPcscFailure(cause)) return cause
    const message = messageOf(cause)
    const rawCode = field(cause, "code")
    if (typeof rawCode === "number") {
      const name = byCode.get(rawCode >>> 0)
      if (name !== undefined) return new PcscFailure(name, message)
    }
    const named = knownMessage(message)
    if (named !== undefined) return new PcscFailure(named, message)
    for (const name of Object.keys(ScardCode))
      if (message.includes(name)) return new PcscFailure(name as ScardName, message)
    return new PcscFailure("UNKNOWN", message)
  }
}

/** The PC/SC call that failed; decides what a missing card or a dead service means. */
export type Operation = "establish" | "list" | "wait" | "connect" | "transmit" | "control" | "status" | "disconnect"

const hex32 = (code: number | undefined) => (code === undefined ? "" : ` 0x${code.toString(16).toUpperCase()}`)

/** How to get the PC/SC service running, per platform. */
export const serviceAdvice =
  "the PC/SC service is not running: on Linux start pcscd (`sudo systemctl start pcscd.socket`, or install it with " +
  "`sudo apt-get install pcscd`); on Windows the Smart Card service starts when a reader is plugged in; on macOS " +
  "it is built in and starts with the first reader"

/** What to install when the binding cannot be loaded. */
export const installAdvice =
  "PC/SC support is not installed. Debian/Ubuntu: `sudo apt-get install pcscd libpcsclite-dev` (and a C++ " +
  "toolchain: `build-essential python3`), then reinstall (`npm install`, or `npm rebuild smartcard`). macOS: PC/SC " +
  "is built in; install the Xcode command line tools (`xcode-select --install`) and reinstall. Windows: PC/SC is " +
  "built in; install the Visual Studio C++ build tools and reinstall. The binding is the optional dependency " +
  "`smartcard`"

/** `NotInstalled`: the `smartcard` binding or the system PC/SC library could not be loaded. */
export const notInstalled = (cause: unknown): TransportError =>
  new TransportError({
    reason: "NotInstalled",
    detail: `${installAdvice} (loading it failed: ${messageOf(cause)})`
  })

/**
 * Maps a PC/SC failure onto a `TransportError`. The detail names the `SCARD_*` code, the reader and the operation;
 * the core's advice for the reason comes first in the message.
 */
export const toTransportError = (cause: unknown, operation: Operation, reader?: string): TransportError => {
  const failure = PcscFailure.from(cause)
  const where = `${reader === undefined ? "" : ` on ${shownName(reader)}`} during ${operation}`
  const detail = (extra?: string) =>
    `PC/SC ${failure.scard}${hex32(failure.code)} "${shownMessage(failure.message)}"${where}${extra === undefined ? "" : `: ${extra}`}`
  const make = (reason: TransportError["reason"], extra?: string) =>
    new TransportError({ reason, detail: detail(extra) })
  const midSession = operation === "transmit" || operation === "control" || operation === "status"
  switch (failure.scard) {
    case "SCARD_E_NO_SERVICE":
    case "SCARD_E_SERVICE_STOPPED":
      return midSession || operation === "disconnect"
        ? make("ReaderUnavailable", "the PC/SC service stopped during the session")
        : make("NoReader", serviceAdvice)
    case "SCARD_E_NO_READERS_AVAILABLE":
      return make("NoReader")
    case "SCARD_E_UNKNOWN_READER":
    case "SCARD_E_READER_UNAVAILABLE":
    case "SCARD_E_NOT_READY":
      return make("ReaderUnavailable")
    case "SCARD_E_NO_SMARTCARD":
    case "SCARD_W_REMOVED_CARD":
      return midSession ? make("CardRemoved") : make("NoCard")
    case "SCARD_W_RESET_CARD":
      return make("CardRemoved", "the card was reset (by another program or the reader): its session state is gone")
    case "SCARD_W_UNPOWERED_CARD":
    case "SCARD_W_UNRESPONSIVE_CARD":
    case "SCARD_W_UNSUPPORTED_CARD":
    case "SCARD_E_UNKNOWN_CARD":
    case "SCARD_E_INVALID_ATR":
    case "SCARD_E_PROTO_MISMATCH":
      return make("UnresponsiveCard")
    case "SCARD_E_SHARING_VIOLATION":
      return make("SharingViolation")
    case "SCARD_E_TIMEOUT":
      return make("Timeout")
    case "SCARD_E_INSUFFICIENT_BUFFER":
      return make("Io", "the response is longer than the receive buffer")
    default:
      return make("Io")
  }
}

/**
 * A caller's option of the wrong shape (a JavaScript caller, a value read from a configuration): `Io` naming the entry
 * point and the option and saying what it must be; of the value, only its kind. Never a TypeError later.
 */
export const invalidOption = (step: string, option: string, expected: string, got: unknown): TransportError =>
  new TransportError({
    reason: "Io",
    detail: `${step}: ${option} must be ${expected}, got ${kindOf(got)}; fix the call (nothing was sent to the card)`
  })

/**
 * A caller's duration option in milliseconds: a `Duration.Input` ("30 seconds", a number of ms, a `Duration`) of at
 * least `min` ms, infinite only where `infinite` allows it. `Duration.toMillis` throws on "banana" and takes NaN as 0.
 */
export const durationOption = (
  step: string,
  option: string,
  value: unknown,
  limits: { readonly min: number; readonly infinite: boolean }
): Result.Result<number, TransportError> => {
  const millis = Option.map(
    typeof value === "number" && Number.isNaN(value) ? Option.none() : Duration.fromInput(value as Duration.Input),
    Duration.toMillis
  )
  if (Option.isSome(millis) && millis.value >= limits.min && (limits.infinite || Number.isFinite(millis.value)))
    return Result.succeed(millis.value)
  const expected = `a duration ("30 seconds", or milliseconds) of at least ${limits.min} ms${limits.infinite ? "" : ", not infinite"}`
  return Result.fail(invalidOption(step, option, expected, value))
}
