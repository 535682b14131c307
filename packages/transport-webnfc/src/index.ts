/**
 * @jpcard/transport-webnfc: the browser and mobile side. Web NFC itself is NDEF-only and cannot read ID cards
 * (`WebNfc.support()` says so); `Adapters` turns the routes that do reach APDUs into `CardTransport`s.
 *
 * @since 0.1.0
 */
export * as Adapters from "./Adapters.js"
export * as WebNfc from "./WebNfc.js"
