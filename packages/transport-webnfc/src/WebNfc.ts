/**
 * What Web NFC offers, honestly: `NDEFReader` exchanges NDEF messages only (MDN "Web NFC API": "Low-level operations
 * are currently not supported"; w3c-cg/web-nfc #101 and #238, both open). Residence cards and My Number cards speak
 * ISO-DEP APDUs, so no browser can read them through Web NFC. `support()` says so at run time instead of failing
 * later with a confusing error, and `transport()` / `layer()` fail with a typed `NotInstalled` error for code that
 * picks Web NFC anyway; the adapters in `Adapters.ts` cover the routes that do reach APDUs.
 *
 * @since 0.1.0
 */
import { CardTransport } from "@jpcard/core"
import { Effect, Layer } from "effect"

export interface Support {
  /** `NDEFReader` exists (Chrome for Android 89+). */
  readonly ndef: boolean
  /** Raw ISO-DEP (APDU) access through Web NFC: never available today. */
  readonly isoDep: false
  /** What to use instead, for a person reading the message. */
  readonly reason: string
}

const alternatives =
  "use the Web Smart Card API in an Isolated Web App (fromWebSmartCard), a native shell's IsoDep / CoreNFC plugin (fromIsoDep), or a local PC/SC agent (fromTransceive)"

/** Whether `scope` has `NDEFReader`; false for anything that is not an object, or whose lookup throws (a proxy). */
const hasNdefReader = (scope: unknown): boolean => {
  try {
    return (typeof scope === "object" || typeof scope === "function") && scope !== null && "NDEFReader" in scope
  } catch {
    return false
  }
}

/** Reports what this environment's Web NFC can do for ID cards. */
export const support = (scope: object = globalThis): Support => {
  const ndef = hasNdefReader(scope)
  return {
    ndef,
    isoDep: false,
    reason: ndef
      ? `Web NFC is available but exchanges NDEF messages only; ID cards need APDUs: ${alternatives}`
      : `Web NFC is not available here, and it could not exchange APDUs anyway: ${alternatives}`
  }
}

/**
 * Web NFC as a card transport: always the typed error `NotInstalled`, at run time, saying why (NDEF only, or no Web
 * NFC at all) and what to use instead. For code that picks a transport by name and must not get a defect, or a
 * transport that fails later with a confusing error, when it picks Web NFC.
 */
export const transport = (
  scope: object = globalThis
): Effect.Effect<CardTransport.CardTransportShape, CardTransport.TransportError> =>
  Effect.fail(
    new CardTransport.TransportError({ reason: "NotInstalled", detail: `WebNfc.transport: ${support(scope).reason}` })
  )

/** {@link transport} as a layer: building it fails with `NotInstalled`. */
export const layer = (
  scope: object = globalThis
): Layer.Layer<CardTransport.CardTransport, CardTransport.TransportError> =>
  Layer.effect(CardTransport.CardTransport, transport(scope))
