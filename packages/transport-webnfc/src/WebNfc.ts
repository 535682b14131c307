/**
 * What Web NFC offers, honestly: `NDEFReader` exchanges NDEF messages only (MDN "Web NFC API": "Low-level operations
 * are currently not supported"; w3c-cg/web-nfc #101 and #238, both open). Residence cards and My Number cards speak
 * ISO-DEP APDUs, so no browser can read them through Web NFC. `support()` says so at run time instead of failing
 * later with a confusing error; the adapters in `Adapters.ts` cover the routes that do reach APDUs.
 *
 * @since 0.1.0
 */

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

/** Reports what this environment's Web NFC can do for ID cards. */
export const support = (scope: object = globalThis): Support => {
  const ndef = "NDEFReader" in scope
  return {
    ndef,
    isoDep: false,
    reason: ndef
      ? `Web NFC is available but exchanges NDEF messages only; ID cards need APDUs: ${alternatives}`
      : `Web NFC is not available here, and it could not exchange APDUs anyway: ${alternatives}`
  }
}
