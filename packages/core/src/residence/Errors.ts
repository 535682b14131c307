/**
 * Errors of the residence card application. Messages name the step and say what to do; they never carry the card
 * number, keys, cryptograms or card contents.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/** A caller's argument or option of the wrong shape (shared with the My Number readers). */
export { InvalidArgumentError } from "../Input.js"

/** The card number given by the user is not of the form 2 letters, 8 digits, 2 letters. No APDU was sent. */
export class InvalidCardNumberError extends Schema.TaggedError<InvalidCardNumberError>()("InvalidCardNumberError", {
  /** Length of what was given (never the value itself). */
  length: Schema.Number
}) {
  override get message(): string {
    return `the card number must be 12 characters: 2 letters, 8 digits, 2 letters (as printed at the top right of the card, e.g. AB12345678CD); got ${this.length} characters in another form`
  }
}

export const AuthenticationFailure = Schema.Literals(["WrongCardNumber", "CardMacInvalid", "RandomMismatch"])
export type AuthenticationFailure = typeof AuthenticationFailure.Type

/**
 * Card-number authentication failed. `WrongCardNumber`: the card rejected the number (at MUTUAL AUTHENTICATE or
 * VERIFY); the card counts no tries, but the library never retries on its own. `CardMacInvalid` and `RandomMismatch`:
 * the card's answer did not prove knowledge of the key, so it is not a genuine card answering this number, or the
 * link corrupted the data.
 */
export class ResidenceAuthenticationError extends Schema.TaggedError<ResidenceAuthenticationError>()(
  "ResidenceAuthenticationError",
  { step: Schema.String, reason: AuthenticationFailure }
) {
  override get message(): string {
    if (this.reason === "CardMacInvalid")
      return `${this.step}: the card's authentication code is wrong: the card did not prove it knows the key (not a genuine card, or a corrupted answer); read again, and treat the card as suspect if this repeats`
    if (this.reason === "RandomMismatch")
      return `${this.step}: the card did not echo the challenge: the answer is not fresh (replayed or corrupted); read again, and treat the card as suspect if this repeats`
    return this.step.endsWith("mutualAuthenticate")
      ? `${this.step}: the card rejected the card number (or the handshake of the wrong card generation was used); check the 12-character number printed on the card and try again`
      : `${this.step}: the card rejected the card number; check the 12-character number printed on the card and try again`
  }
}

export const SecureMessagingFailure = Schema.Literals([
  "MalformedObject",
  "MissingCryptogram",
  "BadPaddingIndicator",
  "BadCiphertextLength",
  "BadPadding",
  "TrailingData"
])
export type SecureMessagingFailure = typeof SecureMessagingFailure.Type

/** A secure-messaging response that cannot be decrypted into data. */
export class SecureMessagingError extends Schema.TaggedError<SecureMessagingError>()("SecureMessagingError", {
  step: Schema.String,
  reason: SecureMessagingFailure
}) {
  override get message(): string {
    return `${this.step}: the card's encrypted answer is malformed (${this.reason}); read the card again from the start`
  }
}

/** The card's data does not have the layout the specification gives. Names the file or field, not its content. */
export class CardDataError extends Schema.TaggedError<CardDataError>()("CardDataError", {
  step: Schema.String,
  field: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.step}: ${this.field}: ${this.detail}`
  }
}

/**
 * None of the files a caller asked for is on this card: a first-generation name asked of a second-generation card (or
 * the reverse), or a file the card type does not have (a special permanent resident certificate has no permissions).
 * Reading nothing would look like a card that holds nothing, so it is an error, raised before any file is read (and,
 * from `read`, before the card number is sent). File names are not personal data.
 */
export class NoRequestedFileError extends Schema.TaggedError<NoRequestedFileError>()("NoRequestedFileError", {
  step: Schema.String,
  generation: Schema.Literals([1, 2]),
  /** The names asked for. */
  requested: Schema.Array(Schema.String),
  /** The files this card has, by the names of its generation. */
  available: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `${this.step}: none of the files asked for (${this.requested.join(", ")}) is on this card (generation ${this.generation}, card type aside), which has ${this.available.join(", ")}; ask for those, or leave \`files\` out to read them all (no file was read)`
  }
}

export const UnsupportedCardKind = Schema.Literals(["GenerationMismatch", "SpecifiedCard", "UnknownCardType"])

/**
 * A card type short and plain enough to quote: real ones are 1 or 2 characters ("1", "2", "05"–"08"). Up to 4
 * printable ASCII characters, without space, quote or backslash, so that a quote in a message cannot be broken out of.
 */
const quotableCardType = /^[!#-[\]-~]{1,4}$/

const isQuotable = (cardType: unknown): boolean => typeof cardType === "string" && quotableCardType.test(cardType)

/** The card is a residence card this reader cannot read (yet), or not one at all. */
export class UnsupportedCardError extends Schema.TaggedError<UnsupportedCardError>()("UnsupportedCardError", {
  step: Schema.String,
  kind: UnsupportedCardKind,
  /**
   * The card type as read from MF/EF02 (public, not personal data), when it is short and plain enough to quote (see
   * `unknownCardType`); otherwise empty, and `cardTypeLength` tells its length.
   */
  cardType: Schema.String,
  /** The length of a card type too long or odd to keep: the card's EF02 is not trusted to hold anything sensible. */
  cardTypeLength: Schema.optional(Schema.Number)
}) {
  /**
   * The error for a card type that is none of the known ones. A hostile or broken card may put anything in MF/EF02:
   * only a short, plain one is kept and quoted; any other is described by its length.
   */
  static unknownCardType(step: string, cardType: string): UnsupportedCardError {
    return isQuotable(cardType)
      ? new UnsupportedCardError({ step, kind: "UnknownCardType", cardType })
      : new UnsupportedCardError({ step, kind: "UnknownCardType", cardType: "", cardTypeLength: cardType.length })
  }

  /** The card type for a message: quoted when short and plain, else by its length only. */
  private get cardTypeText(): string {
    if (this.cardTypeLength === undefined && isQuotable(this.cardType)) return `card type "${this.cardType}"`
    const length = this.cardTypeLength ?? this.cardType.length
    return `the card type read from MF/EF02 (${length} characters, not shown)`
  }

  override get message(): string {
    if (this.kind === "GenerationMismatch")
      return `${this.step}: ${this.cardTypeText} is of the other generation than the one requested; let the reader choose the generation from the card type (do not force it)`
    if (this.kind === "SpecifiedCard")
      return `${this.step}: ${this.cardTypeText} is a specified residence card on a My Number card chip (特定在留カード), which jpcard does not read yet`
    return `${this.step}: ${this.cardTypeText} is not a residence card type (1, 2, 05–08); is this a residence card?`
  }
}
