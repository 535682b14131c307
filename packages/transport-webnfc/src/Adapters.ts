/**
 * Adapters from the APDU routes that browsers and mobile shells really offer to the core's `CardTransport`. Each one
 * is a thin byte pipe: APDU building, secure messaging and chunking stay in the core, which picks chunk sizes from the
 * capabilities reported here (iOS fails on responses of 1694 bytes or more; Android's limits vary by device).
 *
 * What a bridge answers is untrusted (a plugin, a WebSocket agent, another process): an exception, a rejection, an
 * answer that is not bytes, has no status word or is longer than the link's limit, and capabilities that are absent
 * or not numbers, are each a `TransportError` naming the adapter, never a defect and never a response passed on.
 *
 * @since 0.1.0
 */
import { CardTransport } from "@jpcard/core"
import { kindOf } from "@jpcard/core/Input"
import { Effect } from "effect"

type Capabilities = CardTransport.Capabilities

const io = (detail: string) => new CardTransport.TransportError({ reason: "Io", detail })

const isCount = (value: unknown, min: number, max: number): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max

/** What is wrong with capabilities given by a caller, or `undefined`. */
const capabilitiesProblem = (capabilities: unknown): string | undefined => {
  if (typeof capabilities !== "object" || capabilities === null)
    return `the capabilities must be an object, got ${kindOf(capabilities)}`
  const { extendedLength, maxResponseLength, maxCommandLength } = capabilities as Partial<Capabilities>
  if (typeof extendedLength !== "boolean") return `capabilities.extendedLength must be true or false`
  if (!isCount(maxResponseLength, 1, CardTransport.extended.maxResponseLength))
    return `capabilities.maxResponseLength must be a whole number from 1 to 65536`
  if (!isCount(maxCommandLength, 5, CardTransport.extended.maxCommandLength))
    return `capabilities.maxCommandLength must be a whole number from 5 to 65544`
  return undefined
}

/**
 * The byte pipe every adapter is: `problem` (a wrong argument) fails each exchange with its message; otherwise the
 * bridge's answer must convert to bytes (`toBytes`) of 2 up to `maxResponseLength` + 2.
 */
const pipe = (
  route: string,
  problem: string | undefined,
  capabilities: Capabilities,
  transceive: (command: Uint8Array) => unknown,
  toBytes: (answer: unknown) => Uint8Array | undefined,
  expected: string,
  /** A device limit on commands, checked before sending. */
  maxCommand = Number.POSITIVE_INFINITY
): CardTransport.CardTransportShape => {
  const limit = capabilities.maxResponseLength + 2
  return CardTransport.make({
    capabilities,
    transmit: (command) => {
      if (problem !== undefined) return Effect.fail(io(`${route}: ${problem}; fix the call (nothing was sent)`))
      if (command.length > maxCommand)
        return Effect.fail(
          io(`${route}: a command of ${command.length} bytes exceeds the device limit of ${maxCommand}`)
        )
      return Effect.tryPromise({
        // `async` turns a synchronous throw, or a plain value instead of a promise, into the same path
        try: async () => transceive(command),
        // The core's masking: a bridge echoing the command must not put its data (a PIN) into the error.
        catch: (cause) => io(`${route}: the bridge failed: ${CardTransport.describeCause(cause)}`)
      }).pipe(
        Effect.flatMap((answer) => {
          const bytes = toBytes(answer)
          if (bytes === undefined)
            return Effect.fail(io(`${route}: the bridge answered ${kindOf(answer)}, not ${expected}`))
          // Every response APDU ends in SW1 SW2; a shorter answer is a broken link, not a response.
          if (bytes.length < 2)
            return Effect.fail(io(`${route}: the bridge answered ${bytes.length} byte(s) without a status word`))
          if (bytes.length > limit)
            return Effect.fail(
              io(`${route}: the bridge answered ${bytes.length} bytes, more than the ${limit} its capabilities allow`)
            )
          return Effect.succeed(bytes)
        })
      )
    }
  })
}

/**
 * Any `(apdu) => Promise<response>` function: a WebSocket bridge, an Electron IPC channel, a test double. Its answer
 * must be a `Uint8Array` of the whole response APDU (data ‖ SW1 SW2).
 */
export const fromTransceive = (
  transceive: (command: Uint8Array) => Promise<Uint8Array>,
  capabilities: Capabilities
): CardTransport.CardTransportShape => {
  const problem =
    typeof transceive !== "function"
      ? `the transceive function must be a function, got ${kindOf(transceive)}`
      : capabilitiesProblem(capabilities)
  // The core's transport does the exchange and checks the answers; here only the arguments a caller gave.
  return problem === undefined
    ? CardTransport.fromTransceive(transceive, capabilities, "Adapters.fromTransceive")
    : pipe(
        "Adapters.fromTransceive",
        problem,
        CardTransport.shortOnly,
        () => undefined,
        () => undefined,
        "bytes"
      )
}

/**
 * iOS CoreNFC through a plugin: responses of 1694 bytes or more fail with "Tag connection lost" (Apple developer
 * forum thread 120496), so the core is told to keep responses at 1693 bytes.
 */
export const iosCapabilities: Capabilities = { extendedLength: true, maxResponseLength: 1693, maxCommandLength: 1693 }

/** The shape of a React Native / Capacitor IsoDep handler (react-native-nfc-manager's `isoDepHandler`). */
export interface IsoDepHandler {
  readonly transceive: (bytes: Array<number>) => Promise<Array<number>>
}

export interface IsoDepOptions {
  /** `IsoDep.isExtendedLengthApduSupported()` on Android; true on iOS. */
  readonly extendedLength: boolean
  /** `IsoDep.getMaxTransceiveLength()` on Android; 1693 on iOS. */
  readonly maxTransceiveLength: number
}

/** A list of byte values as a plugin returns it (`number[]`), or `undefined` if any element is not a byte. */
const byteList = (answer: unknown): Uint8Array | undefined => {
  if (answer instanceof Uint8Array) return answer
  // `Uint8Array.from` would quietly turn 300 into 44, -1 into 255 and "9000" into 9,0,0,0
  if (!Array.isArray(answer) || !answer.every((b) => isCount(b, 0, 255))) return undefined
  return Uint8Array.from(answer)
}

/** A transport over a native IsoDep / CoreNFC handler whose tag session the app owns. */
export const fromIsoDep = (handler: IsoDepHandler, options: IsoDepOptions): CardTransport.CardTransportShape => {
  const route = "Adapters.fromIsoDep"
  const { extendedLength, maxTransceiveLength } = (
    typeof options === "object" && options !== null ? options : {}
  ) as Partial<IsoDepOptions>
  const problem =
    typeof handler !== "object" || handler === null || typeof handler.transceive !== "function"
      ? `the handler must have a transceive function, got ${kindOf(handler)}`
      : typeof extendedLength !== "boolean"
        ? "options.extendedLength must be true or false (IsoDep.isExtendedLengthApduSupported())"
        : !isCount(maxTransceiveLength, 5, Number.MAX_SAFE_INTEGER)
          ? "options.maxTransceiveLength must be a whole number of at least 5 (IsoDep.getMaxTransceiveLength())"
          : undefined
  const max = problem === undefined ? (maxTransceiveLength as number) : 0
  return pipe(
    route,
    problem,
    problem === undefined
      ? {
          extendedLength: extendedLength as boolean,
          // The limit covers the whole response, status word included; past the APDU maximum there is no limit.
          maxResponseLength: Math.min(max - 2, CardTransport.extended.maxResponseLength),
          maxCommandLength: Math.min(max, CardTransport.extended.maxCommandLength)
        }
      : CardTransport.shortOnly,
    (command) => handler.transceive(Array.from(command)),
    byteList,
    "a list of byte values",
    max
  )
}

/** The part of a Web Smart Card API connection (WICG web-smart-card, Isolated Web Apps) the transport uses. */
export interface SmartCardConnection {
  readonly transmit: (data: ArrayBuffer | ArrayBufferView) => Promise<ArrayBuffer>
}

/** An `ArrayBuffer` (or a view of one) as a copy, or `undefined`. `new Uint8Array(5)` would be five zero bytes. */
const bufferBytes = (answer: unknown): Uint8Array | undefined => {
  if (answer instanceof ArrayBuffer) return new Uint8Array(answer.slice(0))
  if (ArrayBuffer.isView(answer)) return new Uint8Array(answer.buffer, answer.byteOffset, answer.byteLength).slice()
  return undefined
}

/**
 * A transport over `navigator.smartCard` (Chrome, Isolated Web Apps only): full PC/SC, so extended length depends on
 * the reader, as with the native PC/SC transport.
 */
export const fromWebSmartCard = (
  connection: SmartCardConnection,
  capabilities: Capabilities = CardTransport.extended
): CardTransport.CardTransportShape => {
  const problem =
    typeof connection !== "object" || connection === null || typeof connection.transmit !== "function"
      ? `the connection must have a transmit function, got ${kindOf(connection)}`
      : capabilitiesProblem(capabilities)
  return pipe(
    "Adapters.fromWebSmartCard",
    problem,
    problem === undefined ? capabilities : CardTransport.shortOnly,
    (command) => connection.transmit(Uint8Array.from(command)),
    bufferBytes,
    "an ArrayBuffer"
  )
}

/** Wraps a transport with a timeout per APDU: a phone's radio link can hang when the card moves away. */
export const withTimeout = (
  transport: CardTransport.CardTransportShape,
  milliseconds: number
): CardTransport.CardTransportShape => {
  const usable = typeof transport === "object" && transport !== null && typeof transport.transmit === "function"
  // NaN, 0 or a negative number would not bound anything (effect reads NaN as 0, and the exchange may still win)
  const problem = !usable
    ? `the transport must have a transmit function, got ${kindOf(transport)}`
    : typeof milliseconds !== "number" || !(milliseconds > 0)
      ? `milliseconds must be a positive number, got ${kindOf(milliseconds)}`
      : undefined
  return {
    capabilities: usable ? transport.capabilities : CardTransport.shortOnly,
    transmit: (command) =>
      problem !== undefined
        ? Effect.fail(io(`Adapters.withTimeout: ${problem}; fix the call (nothing was sent)`))
        : transport.transmit(command).pipe(
            Effect.timeoutOrElse({
              duration: milliseconds,
              orElse: () =>
                Effect.fail(
                  new CardTransport.TransportError({
                    reason: "Timeout",
                    detail: `Adapters.withTimeout: no answer within ${milliseconds} ms`
                  })
                )
            })
          )
  }
}
