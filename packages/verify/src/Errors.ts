/**
 * Errors for inputs that cannot be turned into a report at all. Everything about the card's own data (a bad
 * signature, a truncated certificate, a wrong length) is a verdict in the report instead.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The caller asked for a report the data cannot give: data of another card type or generation (`WrongCardType`), a
 * file the verification needs was not read (`MissingFile`), or an argument of the wrong shape (`InvalidArgument`: a
 * JavaScript caller's `null`, a string where bytes belong, an option of the wrong type; the detail names the entry
 * point and the argument and says what to pass, never the value given).
 */
export class VerifyInputError extends Schema.TaggedError<VerifyInputError>()("VerifyInputError", {
  reason: Schema.Literals(["WrongCardType", "MissingFile", "InvalidArgument"]),
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.reason}: ${this.detail}`
  }
}

/** A CRL given for revocation checking could not be parsed. */
export class CrlParseError extends Schema.TaggedError<CrlParseError>()("CrlParseError", {
  detail: Schema.String
}) {
  override get message(): string {
    return `not a readable X.509 CRL: ${this.detail}`
  }
}
