/**
 * The seam between the core and a reader technology: bytes in, bytes out, plus what the link can carry. PC/SC, a
 * phone's IsoDep, a WebSocket bridge and the simulator all provide this service; everything above it (APDUs,
 * secure messaging, card applications) is transport-agnostic.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"

/** What one link can carry. The ISO 7816 layer chooses whole-file or chunked reads from it. */
export interface Capabilities {
  /** The reader, driver and card path accept extended-length APDUs (Lc/Le over 3 bytes). */
  readonly extendedLength: boolean
  /** The largest response data field (without SW1-SW2) one exchange can carry. 256 for short APDUs only. */
  readonly maxResponseLength: number
  /** The largest command APDU, header included. 261 for short APDUs only. */
  readonly maxCommandLength: number
}

export const shortOnly: Capabilities = { extendedLength: false, maxResponseLength: 256, maxCommandLength: 261 }
export const extended: Capabilities = { extendedLength: true, maxResponseLength: 65536, maxCommandLength: 65544 }

export const TransportErrorReason = Schema.Literals([
  "NoReader",
  "AmbiguousReader",
  "ReaderUnavailable",
  "NoCard",
  "CardRemoved",
  "UnresponsiveCard",
  "SharingViolation",
  "Timeout",
  "NotInstalled",
  "Io"
])
export type TransportErrorReason = typeof TransportErrorReason.Type

const advice: Record<TransportErrorReason, string> = {
  NoReader: "no card reader was found; connect a reader (a contactless reader for residence cards) and retry",
  AmbiguousReader:
    "several readers hold a card and none was named; name the reader to use (--reader in the CLI, the reader option in code) and retry",
  ReaderUnavailable: "the reader stopped answering or was unplugged; reconnect it and retry",
  NoCard: "no card is on the reader; place the card on the reader and retry",
  CardRemoved: "the card was removed or moved during the exchange; keep it still on the reader and read again",
  UnresponsiveCard:
    "the card does not answer; residence and My Number cards need an ISO 14443 Type B contactless reader (or a contact reader for My Number cards)",
  SharingViolation: "another program is using the reader; close it (or wait for it to finish) and retry",
  Timeout: "the card did not answer in time; keep it still on the reader and retry",
  NotInstalled: "the transport's system library or binding is not installed",
  Io: "the transport failed"
}

/** A failure of the link itself (not of a command: those come back as status words). */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  reason: TransportErrorReason,
  /** Technical detail from the transport (never APDU data). */
  detail: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return this.detail === undefined ? advice[this.reason] : `${advice[this.reason]} (${this.detail})`
  }
}

export interface CardTransportShape {
  readonly capabilities: Capabilities
  /** Sends one command APDU and returns the whole response APDU, data and SW1-SW2. */
  readonly transmit: (command: Uint8Array) => Effect.Effect<Uint8Array, TransportError>
}

export class CardTransport extends Context.Service<CardTransport, CardTransportShape>()("@jpcard/core/CardTransport") {}

export const make = (shape: CardTransportShape): CardTransportShape => CardTransport.of(shape)

export const layer = (shape: CardTransportShape): Layer.Layer<CardTransport> => Layer.succeed(CardTransport, shape)

/** Bytes written out in text: 8+ hex digits, 4+ digits, or 4+ numbers in a list ("49,50,51,52", "31 32 33 34"). */
const BYTES_IN_TEXT = /[0-9A-Fa-f]{8,}|\d{4,}|(?:(?:0x)?[0-9A-Fa-f]{1,3}[\s,;:.-]+){3,}(?:0x)?[0-9A-Fa-f]{1,3}/g

/**
 * What a transport threw, as a `TransportError` detail may show it: its message on one line, at most 160 characters,
 * with bytes written out in it replaced by "…". A bridge is untrusted and its message is free text: one that echoes
 * the command would otherwise put the APDU's data (a PIN, a card number) into the error. Never throws (`String(x)`
 * does, on an object without a prototype).
 */
export const describeCause = (cause: unknown): string => {
  let text: string
  try {
    const message = typeof cause === "object" && cause !== null ? (cause as { message?: unknown }).message : undefined
    text = typeof message === "string" ? message : typeof cause === "string" ? cause : String(cause)
  } catch {
    text = "(an error without a message)"
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters (line breaks included) are the point
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ").replace(BYTES_IN_TEXT, "…")
  return line.length > 160 ? `${line.slice(0, 159)}…` : line
}

/**
 * A transport over any promise-returning transceive function: a React Native or Capacitor IsoDep handler, a
 * WebSocket bridge, a Web Smart Card connection. What it throws or rejects with becomes `TransportError` `Io` (its
 * message masked, see `describeCause`); what it answers must be bytes ending in a status word, no longer than
 * `capabilities` allow, else the same. (`@jpcard/transport-webnfc`'s `Adapters.fromTransceive` is this one, with the
 * arguments checked first.)
 */
export const fromTransceive = (
  transceive: (command: Uint8Array) => Promise<Uint8Array>,
  capabilities: Capabilities,
  /** A name for error details to start with: an adapter built on this one names itself, as the step a user sees. */
  name?: string
): CardTransportShape =>
  make({
    capabilities,
    transmit: (command) =>
      Effect.tryPromise({
        try: () => Promise.resolve(transceive(command)) as Promise<unknown>,
        catch: (cause) =>
          new TransportError({
            reason: "Io",
            detail: `${name === undefined ? "" : `${name}: `}${describeCause(cause)}`
          })
      }).pipe(
        Effect.flatMap((response) => {
          const problem = !(response instanceof Uint8Array)
            ? `${response === null ? "null" : typeof response}, not bytes`
            : response.length < 2
              ? `${response.length} byte(s), without a status word`
              : response.length > capabilities.maxResponseLength + 2
                ? `${response.length} bytes, more than the ${capabilities.maxResponseLength + 2} its capabilities allow`
                : undefined
          return problem === undefined
            ? Effect.succeed(response as Uint8Array)
            : Effect.fail(
                new TransportError({
                  reason: "Io",
                  detail: `${name === undefined ? "" : `${name}: `}the transceive function answered ${problem}`
                })
              )
        })
      )
  })
