/**
 * The model every simulated card implements: an ATR and a synchronous, pure APDU function. Transports
 * (`SimTransport`, a vpcd bridge, a test harness) sit on top of it.
 *
 * @since 0.1.0
 */

/** A simulated ICC. Each response is `data ‖ SW1 SW2`. */
export interface SimulatedCard {
  /** The ATR a PC/SC reader would report (for contactless cards, the one it synthesises). */
  readonly atr: Uint8Array
  /**
   * Processes one command APDU and returns the response APDU. Never throws for a malformed command (that is a
   * status word); throws {@link CardPoweredOffError} when the card is not powered.
   */
  transmit(command: Uint8Array): Uint8Array
  /** Activation (cold reset): every volatile state is cleared and the card is ready. */
  powerOn(): void
  /** Deactivation: every volatile state (authentication, session key, current DF/EF, challenge) is cleared. */
  powerOff(): void
}

/** Thrown by `transmit` on a card that is powered off (the harness forgot `powerOn`, or the card was "removed"). */
export class CardPoweredOffError extends Error {
  override readonly name = "CardPoweredOffError"
  constructor() {
    super("the simulated card is powered off (call powerOn() first)")
  }
}

/** A response of status word only. */
export const sw = (value: number): Uint8Array => Uint8Array.of((value >> 8) & 0xff, value & 0xff)

/** A response of data followed by a status word. */
export const withSw = (data: Uint8Array, value: number): Uint8Array => {
  const out = new Uint8Array(data.length + 2)
  out.set(data, 0)
  out[data.length] = (value >> 8) & 0xff
  out[data.length + 1] = value & 0xff
  return out
}

/** The status word (SW1 SW2 as a number) of a response, or `undefined` when it is shorter than 2 bytes. */
export const statusOf = (response: Uint8Array): number | undefined =>
  response.length < 2 ? undefined : (response[response.length - 2]! << 8) | response[response.length - 1]!

/** The data field of a response (everything before SW1 SW2). */
export const dataOf = (response: Uint8Array): Uint8Array => response.subarray(0, Math.max(0, response.length - 2))
