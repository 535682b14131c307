/**
 * The 12-character card number (在留カード番号 / 特別永住者証明書番号): 2 letters, 8 digits, 2 letters. It keys the
 * authentication (在留カード等仕様書 Ver 1.5, 別添1, p. 34), so it is a secret: it never reaches a trace, a log or
 * an error message.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { ascii } from "../Bytes.js"
import { InvalidCardNumberError } from "./Errors.js"

const pattern = /^[A-Z]{2}[0-9]{8}[A-Z]{2}$/

const normalize = (input: unknown): string | undefined =>
  typeof input === "string" ? input.trim().toUpperCase() : undefined

/** A validated, upper-case card number. Its `toString` and JSON form are redacted. */
export class CardNumber {
  readonly #value: string
  private constructor(value: string) {
    this.#value = value
  }
  /**
   * Validates the format (after trimming and upper-casing) before any APDU is sent. Anything but a string (a
   * JavaScript caller's `undefined` or number) is an `InvalidCardNumberError` too, not a TypeError from `trim`.
   */
  static parse(input: string): Effect.Effect<CardNumber, InvalidCardNumberError> {
    return Effect.suspend(() => {
      const normalized = normalize(input)
      return normalized !== undefined && pattern.test(normalized)
        ? Effect.succeed(new CardNumber(normalized))
        : Effect.fail(new InvalidCardNumberError({ length: typeof input === "string" ? input.length : 0 }))
    })
  }
  static isValid(input: string): boolean {
    const normalized = normalize(input)
    return normalized !== undefined && pattern.test(normalized)
  }
  /** The 12 ASCII bytes the key derivation and VERIFY use. */
  bytes(): Uint8Array {
    return ascii(this.#value)
  }
  toString(): string {
    return "CardNumber(<redacted>)"
  }
  toJSON(): string {
    return "<redacted>"
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString()
  }
}
