/**
 * jpcard over PC/SC (Node): the `smartcard` binding behind the core's `CardTransport`, readers and card events, and
 * scoped card sessions. The vpcd bridge for simulated cards is a separate entry point, `@jpcard/transport-pcsc/Vpcd`,
 * and the pcscd test harness is `@jpcard/transport-pcsc/testing/VirtualPcsc`.
 *
 * @since 0.1.0
 */
export * as Async from "./Async.js"
export * as Errors from "./Errors.js"
export * as Pcsc from "./Pcsc.js"
export * as PcscTransport from "./PcscTransport.js"
export * as Readers from "./Readers.js"
export * as TestDriver from "./TestDriver.js"
