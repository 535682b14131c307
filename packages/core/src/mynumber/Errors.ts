/**
 * Errors of the My Number card readers. Messages name the step and the credential and say what to do; they never
 * carry a PIN, a password, a My Number, a 照合番号, a birth date or card contents.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { swHex } from "../apdu/Apdu.js"
import { Application, applications, Credential, credentials } from "./Applications.js"

/** A caller's argument or option of the wrong shape (shared with the residence reader). */
export { InvalidArgumentError } from "../Input.js"
/** The card's data does not have the expected layout (shared with the residence reader: same tag, same fields). */
export { CardDataError } from "../residence/Errors.js"

/** What the caller typed, by kind (never the value). */
export const InputKind = Schema.Literals([
  "pin4",
  "signingPassword",
  "myNumber",
  "verificationNumberA",
  "verificationNumberB",
  "birthDateKey"
])
export type InputKind = typeof InputKind.Type

export const InvalidCredentialReason = Schema.Literals([
  /** Wrong length or characters. */
  "Format",
  /** A My Number whose 12th digit is not the check digit of the first 11. */
  "CheckDigit",
  /** A signing password without a letter or without a digit. */
  "LetterAndDigit",
  /** A birth date that is not a day of the calendar (month 13, 30 February). */
  "ImpossibleDate",
  /** A Japanese-era date outside its era (平成31年5月1日, 昭和0年), or a date before 明治 (1868-01-25). */
  "OutsideEra",
  /** An expiry year that is not 4 digits, not a year a card can expire in, or before the birth year. */
  "ExpiryYear",
  /** A security code that is not 4 digits. */
  "SecurityCode",
  /** A secret of another kind than the key reference takes (e.g. a 4-digit PIN for 照合番号B). */
  "WrongKind"
])
export type InvalidCredentialReason = typeof InvalidCredentialReason.Type

const formats: Record<InputKind, string> = {
  pin4: "a PIN is exactly 4 digits (0–9)",
  signingPassword:
    "the signing password (署名用電子証明書の暗証番号) is 6 to 16 characters, upper-case letters A–Z and digits 0–9 only",
  myNumber: "the My Number (個人番号) is 12 digits, as printed on the back of the card",
  verificationNumberA: "照合番号A is the 12-digit My Number printed on the back of the card",
  verificationNumberB:
    "照合番号B is 14 digits: the birth date as YYMMDD, the 4-digit year of the card's expiry and the 4-digit security code",
  birthDateKey: "the birth date key is 6 digits, YYMMDD"
}

/** A credential or number given by the caller failed its format check. Nothing was sent to the card. */
export class InvalidCredentialError extends Schema.TaggedError<InvalidCredentialError>()("InvalidCredentialError", {
  input: InputKind,
  reason: InvalidCredentialReason
}) {
  override get message(): string {
    return `${explainReason[this.reason](this.input)} (nothing was sent to the card)`
  }
}

const explainReason: Record<InvalidCredentialReason, (input: InputKind) => string> = {
  Format: (input) => `${formats[input]}; the value given is not in that form`,
  CheckDigit: () => "the My Number's last digit is not its check digit: a digit is mistyped; compare it with the card",
  LetterAndDigit: () =>
    "the signing password has at least one letter and one digit (the rule it was set under); the value given lacks one",
  ImpossibleDate: () => "the birth date is not a day of the calendar (month 1–12, a day the month has)",
  OutsideEra: () =>
    "the birth date does not fall within the era given (元年 is year 1; e.g. 平成31年5月1日 does not exist, it is 令和元年5月1日), or it is before 明治",
  ExpiryYear: () =>
    "the expiry year is the 4-digit Western year of 有効期限 printed on the card front (2016 or later, and not before the birth year)",
  SecurityCode: () => "the security code (セキュリティコード) is the 4 digits printed on the card front",
  WrongKind: (input) => `this key reference does not take that kind of secret: ${formats[input]}`
}

/** The digest to sign is not a SHA-256 digest. Nothing was sent to the card. */
export class InvalidDigestError extends Schema.TaggedError<InvalidDigestError>()("InvalidDigestError", {
  length: Schema.Number
}) {
  override get message(): string {
    return `a SHA-256 digest is 32 bytes; got ${this.length} (hash the message first; nothing was sent to the card)`
  }
}

/**
 * The nonce for a presence proof is not 1 to 64 bytes. It comes from the verifier (a server, for remote checks), so
 * it is input like any other: a typed error, not a defect. Nothing was sent to the card.
 */
export class InvalidNonceError extends Schema.TaggedError<InvalidNonceError>()("InvalidNonceError", {
  length: Schema.Number
}) {
  override get message(): string {
    return `a presence nonce is 1 to 64 bytes; got ${this.length} (take the verifier's challenge as given; nothing was sent to the card)`
  }
}

const label = (credential: Credential) => credentials[credential].label

/**
 * The card rejected the value (`63 Cx`): `triesLeft` is what the card reports after this attempt (absent when it
 * answered a bare `63 00`). The library never retries: ask the holder again.
 */
export class WrongPinError extends Schema.TaggedError<WrongPinError>()("WrongPinError", {
  step: Schema.String,
  credential: Credential,
  triesLeft: Schema.optional(Schema.Number)
}) {
  override get message(): string {
    const what = `${this.step}: the card rejected the ${label(this.credential)}`
    if (this.triesLeft === undefined) return `${what}; check the value with the holder before trying again`
    if (this.triesLeft === 0)
      return `${what}, and it is now locked: only the municipal office (市区町村の窓口) can reset it`
    if (this.triesLeft === 1)
      return `${what}; 1 try left: a wrong value would lock it, so jpcard will not send it again unless the call passes { allowLastTry: true }`
    return `${what}; ${this.triesLeft} tries left before it locks; check the value with the holder before trying again`
  }
}

/** The key reference is locked (`69 84` / `69 83`, or a counter of 0): no VERIFY was or can be accepted. */
export class PinLockedError extends Schema.TaggedError<PinLockedError>()("PinLockedError", {
  step: Schema.String,
  credential: Credential
}) {
  override get message(): string {
    return `${this.step}: the ${label(this.credential)} is locked (no tries left); only the municipal office (市区町村の窓口) can reset it`
  }
}

/**
 * The card has exactly one try left for this credential and the caller did not opt in, so no VERIFY was sent: a wrong
 * value would lock the card.
 */
export class LastTryRefusedError extends Schema.TaggedError<LastTryRefusedError>()("LastTryRefusedError", {
  step: Schema.String,
  credential: Credential,
  triesLeft: Schema.Number
}) {
  override get message(): string {
    return `${this.step}: only ${this.triesLeft} try is left for the ${label(this.credential)}; a wrong value would lock the card, so nothing was sent. Confirm the value with the holder, then call again with { allowLastTry: true }`
  }
}

/**
 * The tries query (`00 20 00 80`, no data) did not answer `63 Cx`, so the library cannot tell how many tries are left
 * and sends no secret.
 */
export class PinStatusUnavailableError extends Schema.TaggedError<PinStatusUnavailableError>()(
  "PinStatusUnavailableError",
  { step: Schema.String, credential: Credential, sw: Schema.Number }
) {
  override get message(): string {
    return `${this.step}: the card did not report the tries left for the ${label(this.credential)} (it answered ${swHex(this.sw)} instead of 63Cx); jpcard does not send a secret whose counter it cannot read`
  }
}

/** SELECT of a My Number card application answered `6A 82`: the card does not have it. */
export class NotMyNumberCardError extends Schema.TaggedError<NotMyNumberCardError>()("NotMyNumberCardError", {
  step: Schema.String,
  application: Application
}) {
  override get message(): string {
    const phone =
      this.application === "jpki"
        ? ""
        : " (or it is a smartphone JPKI (スマホ用電子証明書), which carries only the JPKI application)"
    return `${this.step}: the card has no ${applications[this.application].name} application: it is not a My Number card${phone}`
  }
}

/** The credential given does not open the item asked for (e.g. 照合番号A for the basic four information). */
export class CredentialScopeError extends Schema.TaggedError<CredentialScopeError>()("CredentialScopeError", {
  credential: Credential,
  item: Schema.String
}) {
  override get message(): string {
    return `the ${label(this.credential)} does not open ${this.item}; nothing was sent to the card (see shared/reference/mynumber-card.md §3 for what opens what)`
  }
}
