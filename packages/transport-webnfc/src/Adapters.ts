/**
 * Adapters from the APDU routes that browsers and mobile shells really offer to the core's `CardTransport`. Each one
 * is a thin byte pipe: APDU building, secure messaging and chunking stay in the core, which picks chunk sizes from the
 * capabilities reported here (iOS fails on responses of 1694 bytes or more; Android's limits vary by device).
 *
 * @since 0.1.0
 */
import { CardTransport } from "@jpcard/core"
import { Effect } from "effect"

type Capabilities = CardTransport.Capabilities

/** Any `(apdu) => Promise<response>` function: a WebSocket bridge, an Electron IPC channel, a test double. */
export const fromTransceive = CardTransport.fromTransceive

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

/** A transport over a native IsoDep / CoreNFC handler whose tag session the app owns. */
export const fromIsoDep = (handler: IsoDepHandler, options: IsoDepOptions): CardTransport.CardTransportShape =>
  CardTransport.fromTransceive(
    async (command) => {
      if (command.length > options.maxTransceiveLength)
        throw new Error(`command of ${command.length} bytes exceeds the device limit of ${options.maxTransceiveLength}`)
      return Uint8Array.from(await handler.transceive(Array.from(command)))
    },
    {
      extendedLength: options.extendedLength,
      // The limit covers the whole response, status word included.
      maxResponseLength: Math.max(1, options.maxTransceiveLength - 2),
      maxCommandLength: options.maxTransceiveLength
    }
  )

/** The part of a Web Smart Card API connection (WICG web-smart-card, Isolated Web Apps) the transport uses. */
export interface SmartCardConnection {
  readonly transmit: (data: BufferSource) => Promise<ArrayBuffer>
}

/**
 * A transport over `navigator.smartCard` (Chrome, Isolated Web Apps only): full PC/SC, so extended length depends on
 * the reader, as with the native PC/SC transport.
 */
export const fromWebSmartCard = (
  connection: SmartCardConnection,
  capabilities: Capabilities = CardTransport.extended
): CardTransport.CardTransportShape =>
  CardTransport.fromTransceive(
    async (command) => new Uint8Array(await connection.transmit(Uint8Array.from(command))),
    capabilities
  )

/** Wraps a transport with a timeout per APDU: a phone's radio link can hang when the card moves away. */
export const withTimeout = (
  transport: CardTransport.CardTransportShape,
  milliseconds: number
): CardTransport.CardTransportShape => ({
  capabilities: transport.capabilities,
  transmit: (command) =>
    transport.transmit(command).pipe(
      Effect.timeoutOrElse({
        duration: milliseconds,
        orElse: () => Effect.fail(new CardTransport.TransportError({ reason: "Timeout", detail: `${milliseconds} ms` }))
      })
    )
})
