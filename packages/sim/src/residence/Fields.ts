/**
 * Field checks and encodings that both generations' file builders use: the card number, pattern-checked texts and
 * their ASCII bytes.
 *
 * @since 0.1.0
 */

/** The fictitious default 在留カード等番号 of both generations. */
export const DEFAULT_CARD_NUMBER = "AB12345678CD"

const CARD_NUMBER = /^[A-Z]{2}[0-9]{8}[A-Z]{2}$/

/**
 * The 在留カード等番号 (2 upper-case letters, 8 digits, 2 upper-case letters), or a `RangeError` that does not quote
 * it: the number is the card's access key (Kenc, Kmac and the VERIFY data derive from it).
 */
export const checkCardNumber = (value: string): string => {
  if (!CARD_NUMBER.test(value)) {
    throw new RangeError("cardNumber: expected 2 upper-case letters, 8 digits and 2 upper-case letters")
  }
  return value
}

/** `value` when it matches `pattern`; otherwise a `RangeError` naming `what`. */
export const checkPattern = (value: string, pattern: RegExp, what: string): string => {
  if (!pattern.test(value)) throw new RangeError(`${what}: ${JSON.stringify(value)} does not match ${pattern}`)
  return value
}

/** The bytes of a text already checked to be ASCII (one byte per character). */
export const ascii = (text: string): Uint8Array => {
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i)
  return out
}
