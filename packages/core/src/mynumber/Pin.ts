/**
 * The secrets a My Number card asks for, as validated value classes: the 4-digit PINs, the JPKI signing password,
 * 照合番号A (the My Number), 照合番号B and the birth date key (shared/reference/mynumber-card.md §6). Each is checked
 * for format before any APDU, so a mistyped value never costs a try; each prints as `<redacted>` in `toString`,
 * `toJSON` and Node's inspector, so it never reaches a log by accident.
 *
 * Input is normalised first: NFKC (full-width `１２３４` becomes `1234`), surrounding white space removed; the signing
 * password is upper-cased; a My Number may be grouped with spaces or hyphens as printed (`1234 5678 9012`).
 *
 * @since 0.1.0
 */
import { Effect, Result } from "effect"
import { ascii } from "../Bytes.js"
import { fieldOf } from "../Input.js"
import { isValidDate } from "../schema/CalendarDate.js"
import type { SecretKind } from "./Applications.js"
import { type Era, eraOffset, fromJapanese, type GregorianDate, isPossibleEraYymmdd, toJapanese } from "./Era.js"
import { type InputKind, InvalidCredentialError, type InvalidCredentialReason } from "./Errors.js"

const inspect = Symbol.for("nodejs.util.inspect.custom")

const invalid = (input: InputKind, reason: InvalidCredentialReason) =>
  Result.fail(new InvalidCredentialError({ input, reason }))

const normalize = (input: unknown): string | undefined =>
  typeof input === "string" ? input.normalize("NFKC").trim() : undefined

/** A secret sent with VERIFY: ASCII bytes, never printed. */
abstract class Secret {
  readonly #value: string
  abstract readonly kind: SecretKind
  protected constructor(value: string) {
    this.#value = value
  }
  /** The ASCII bytes VERIFY sends. */
  bytes(): Uint8Array {
    return ascii(this.#value)
  }
  protected value(): string {
    return this.#value
  }
  protected abstract get typeName(): string
  toString(): string {
    return `${this.typeName}(<redacted>)`
  }
  toJSON(): string {
    return "<redacted>"
  }
  [inspect](): string {
    return this.toString()
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 4-digit PINs

/** A 4-digit PIN: JPKI user authentication (利用者証明用), kenhojo (券面事項入力補助用), 住基 and common AP. */
export class Pin4 extends Secret {
  readonly kind = "pin4" as const
  protected get typeName() {
    return "Pin4"
  }
  static parseResult(input: string): Result.Result<Pin4, InvalidCredentialError> {
    const value = normalize(input)
    return value !== undefined && /^[0-9]{4}$/.test(value) ? Result.succeed(new Pin4(value)) : invalid("pin4", "Format")
  }
  /** Validates the format before any APDU is sent. */
  static parse(input: string): Effect.Effect<Pin4, InvalidCredentialError> {
    return Effect.suspend(() => Effect.fromResult(Pin4.parseResult(input)))
  }
  static isValid(input: string): boolean {
    return Result.isSuccess(Pin4.parseResult(input))
  }
}

// ---------------------------------------------------------------------------------------------------------------
// JPKI signing password

/**
 * The JPKI signing password (署名用電子証明書の暗証番号): 6–16 characters `A–Z` and `0–9`, at least one letter and one
 * digit (the rule it is set under, §6.1), upper-cased before sending (the card compares upper case).
 */
export class SigningPassword extends Secret {
  readonly kind = "signingPassword" as const
  protected get typeName() {
    return "SigningPassword"
  }
  static parseResult(input: string): Result.Result<SigningPassword, InvalidCredentialError> {
    const value = normalize(input)?.toUpperCase()
    if (value === undefined || !/^[A-Z0-9]{6,16}$/.test(value)) return invalid("signingPassword", "Format")
    if (!/[A-Z]/.test(value) || !/[0-9]/.test(value)) return invalid("signingPassword", "LetterAndDigit")
    return Result.succeed(new SigningPassword(value))
  }
  static parse(input: string): Effect.Effect<SigningPassword, InvalidCredentialError> {
    return Effect.suspend(() => Effect.fromResult(SigningPassword.parseResult(input)))
  }
  static isValid(input: string): boolean {
    return Result.isSuccess(SigningPassword.parseResult(input))
  }
}

// ---------------------------------------------------------------------------------------------------------------
// My Number and 照合番号A

/**
 * The check digit of a My Number from its first 11 digits (個人番号の検査用数字, 番号法施行令 第8条):
 * `11 − (Σ Pn × Qn mod 11)`, 0 when the remainder is 0 or 1; Pn is the n-th digit from the right of the first 11,
 * Qn = n + 1 for n ≤ 6 and n − 5 for n ≥ 7.
 */
export const myNumberCheckDigit = (first11: string): number => {
  let sum = 0
  for (let n = 1; n <= 11; n++) {
    const p = first11.charCodeAt(11 - n) - 0x30
    sum += p * (n <= 6 ? n + 1 : n - 5)
  }
  const remainder = sum % 11
  return remainder <= 1 ? 0 : 11 - remainder
}

/** Whether `digits` is 12 ASCII digits whose last is the check digit of the first 11. */
export const isMyNumber = (digits: string): boolean =>
  /^[0-9]{12}$/.test(digits) && myNumberCheckDigit(digits.slice(0, 11)) === digits.charCodeAt(11) - 0x30

const parseMyNumberDigits = (input: unknown, kind: InputKind): Result.Result<string, InvalidCredentialError> => {
  const value = normalize(input)?.replace(/[\s-]/g, "")
  if (value === undefined || !/^[0-9]{12}$/.test(value)) return invalid(kind, "Format")
  return isMyNumber(value) ? Result.succeed(value) : invalid(kind, "CheckDigit")
}

/**
 * A My Number (個人番号): 12 digits with a valid check digit. Specific personal information (特定個人情報) under the
 * My Number Act: redacted in every printed form; `reveal()` gives the digits to code that is allowed to handle them.
 */
export class MyNumber {
  readonly #digits: string
  private constructor(digits: string) {
    this.#digits = digits
  }
  static parseResult(input: string): Result.Result<MyNumber, InvalidCredentialError> {
    return Result.map(parseMyNumberDigits(input, "myNumber"), (digits) => new MyNumber(digits))
  }
  static parse(input: string): Effect.Effect<MyNumber, InvalidCredentialError> {
    return Effect.suspend(() => Effect.fromResult(MyNumber.parseResult(input)))
  }
  static isValid(input: string): boolean {
    return Result.isSuccess(MyNumber.parseResult(input))
  }
  /** The 12 digits. */
  reveal(): string {
    return this.#digits
  }
  /** Whether both hold the same number. */
  equals(that: MyNumber): boolean {
    return this.#digits === that.#digits
  }
  toString(): string {
    return "MyNumber(<redacted>)"
  }
  toJSON(): string {
    return "<redacted>"
  }
  [inspect](): string {
    return this.toString()
  }
}

/** 照合番号A: the My Number, presented to kenhojo `0014` or kenkaku `0013`. */
export class VerificationNumberA extends Secret {
  readonly kind = "verificationNumberA" as const
  protected get typeName() {
    return "VerificationNumberA"
  }
  static parseResult(input: string | MyNumber): Result.Result<VerificationNumberA, InvalidCredentialError> {
    if (input instanceof MyNumber) return Result.succeed(new VerificationNumberA(input.reveal()))
    return Result.map(parseMyNumberDigits(input, "verificationNumberA"), (digits) => new VerificationNumberA(digits))
  }
  static parse(input: string | MyNumber): Effect.Effect<VerificationNumberA, InvalidCredentialError> {
    return Effect.suspend(() => Effect.fromResult(VerificationNumberA.parseResult(input)))
  }
  static fromMyNumber(myNumber: MyNumber): VerificationNumberA {
    return new VerificationNumberA(myNumber.reveal())
  }
  static isValid(input: string): boolean {
    return Result.isSuccess(VerificationNumberA.parseResult(input))
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Birth date key and 照合番号B

/**
 * How the card prints the holder's birth date, which is how the birth date key and 照合番号B encode it: `"japanese"`
 * (和暦, Japanese nationals: era year, `550217` for 昭和55年2月17日) or `"western"` (西暦, cards printing the birth date
 * in the Western calendar, e.g. foreign residents: the last two digits of the year, `800217`). Read it off the card
 * front; it is never guessed (§6.3: the Western form is inferred from the 住基カード rule, not confirmed on a card).
 */
export type BirthDateCalendar = "japanese" | "western"

/**
 * A birth date as the caller has it: `"YYYY-MM-DD"` or `{ year, month, day }` in the Gregorian calendar, or
 * `{ era, year, month, day }` as printed in the Japanese calendar (`year` 1 is 元年).
 */
export type BirthDate =
  | string
  | { readonly year: number; readonly month: number; readonly day: number; readonly era?: undefined }
  | { readonly era: Era; readonly year: number; readonly month: number; readonly day: number }

const isIntegers = (...values: ReadonlyArray<unknown>) =>
  values.every((v) => typeof v === "number" && Number.isInteger(v))

const two = (n: number) => String(n).padStart(2, "0")

/** No holder is born before 明治 (1868), the first year the era table covers. */
const FIRST_YEAR = 1868

/** The Gregorian day of a birth date input, or why it is not one. */
const gregorianOf = (birthDate: BirthDate, input: InputKind): Result.Result<GregorianDate, InvalidCredentialError> => {
  if (typeof birthDate === "string") {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate.normalize("NFKC").trim())
    if (m === null) return invalid(input, "Format")
    const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }
    if (!isValidDate(date.year, date.month, date.day)) return invalid(input, "ImpossibleDate")
    return date.year >= FIRST_YEAR ? Result.succeed(date) : invalid(input, "OutsideEra")
  }
  if (typeof birthDate !== "object" || birthDate === null) return invalid(input, "Format")
  const { year, month, day } = birthDate
  if (!isIntegers(year, month, day)) return invalid(input, "Format")
  if (birthDate.era !== undefined) {
    const offset = eraOffset(birthDate.era)
    if (Number.isNaN(offset)) return invalid(input, "Format")
    if (year < 1) return invalid(input, "OutsideEra")
    // Month and day first, so that 令和 month 13 or 30 February is "impossible", not "outside the era".
    if (!isValidDate(year + offset, month, day)) return invalid(input, "ImpossibleDate")
    const gregorian = fromJapanese({ era: birthDate.era, year, month, day })
    return gregorian === undefined ? invalid(input, "OutsideEra") : Result.succeed(gregorian)
  }
  if (!isValidDate(year, month, day)) return invalid(input, "ImpossibleDate")
  // A two-digit year (80 for 1980) would otherwise pass as the year 80.
  return year >= FIRST_YEAR ? Result.succeed({ year, month, day }) : invalid(input, "OutsideEra")
}

/** `YYMMDD` of a Gregorian day in the card's calendar. */
const yymmdd = (
  date: GregorianDate,
  calendar: BirthDateCalendar,
  input: InputKind
): Result.Result<string, InvalidCredentialError> => {
  if (calendar === "western") return Result.succeed(`${two(date.year % 100)}${two(date.month)}${two(date.day)}`)
  if (calendar !== "japanese") return invalid(input, "Format")
  const era = toJapanese(date)
  if (era === undefined || era.year > 99) return invalid(input, "OutsideEra")
  return Result.succeed(`${two(era.year)}${two(era.month)}${two(era.day)}`)
}

/**
 * Checks a bare `YYMMDD` for a day that exists in the card's calendar, in a year no later than `latestYear` (the
 * expiry year, when known: nobody is born after their card expires).
 */
const checkYymmdd = (
  digits: string,
  calendar: BirthDateCalendar,
  input: InputKind,
  latestYear = Number.POSITIVE_INFINITY
): Result.Result<string, InvalidCredentialError> => {
  const yy = Number(digits.slice(0, 2))
  const mm = Number(digits.slice(2, 4))
  const dd = Number(digits.slice(4, 6))
  if (!isValidDate(2000, mm, dd)) return invalid(input, "ImpossibleDate")
  if (calendar === "western")
    return [1900 + yy, 2000 + yy].some((year) => year <= latestYear && isValidDate(year, mm, dd))
      ? Result.succeed(digits)
      : invalid(input, "ImpossibleDate")
  if (calendar !== "japanese") return invalid(input, "Format")
  return isPossibleEraYymmdd(yy, mm, dd, latestYear) ? Result.succeed(digits) : invalid(input, "OutsideEra")
}

/**
 * The birth date key (生年月日, kenkaku `0011`): `YYMMDD` in the card's calendar. Opens only the age record (kenkaku
 * EF0001).
 */
export class BirthDateKey extends Secret {
  readonly kind = "birthDateKey" as const
  protected get typeName() {
    return "BirthDateKey"
  }
  static buildResult(parts: {
    readonly birthDate: BirthDate
    readonly calendar: BirthDateCalendar
  }): Result.Result<BirthDateKey, InvalidCredentialError> {
    // `fieldOf`: a JavaScript caller's `null` is a malformed birth date (typed), not a TypeError.
    const calendar = fieldOf(parts, "calendar") as BirthDateCalendar
    return Result.flatMap(gregorianOf(fieldOf(parts, "birthDate") as BirthDate, "birthDateKey"), (date) =>
      Result.map(yymmdd(date, calendar, "birthDateKey"), (digits) => new BirthDateKey(digits))
    )
  }
  /** From the birth date and the calendar the card prints it in. */
  static build(parts: {
    readonly birthDate: BirthDate
    readonly calendar: BirthDateCalendar
  }): Effect.Effect<BirthDateKey, InvalidCredentialError> {
    return Effect.suspend(() => Effect.fromResult(BirthDateKey.buildResult(parts)))
  }
  static parseResult(
    input: string,
    options: { readonly calendar: BirthDateCalendar }
  ): Result.Result<BirthDateKey, InvalidCredentialError> {
    const value = normalize(input)
    if (value === undefined || !/^[0-9]{6}$/.test(value)) return invalid("birthDateKey", "Format")
    const calendar = fieldOf(options, "calendar") as BirthDateCalendar
    return Result.map(checkYymmdd(value, calendar, "birthDateKey"), (digits) => new BirthDateKey(digits))
  }
  /** From the 6 digits as typed; checks that they name a day in the card's calendar. */
  static parse(
    input: string,
    options: { readonly calendar: BirthDateCalendar }
  ): Effect.Effect<BirthDateKey, InvalidCredentialError> {
    return Effect.suspend(() => Effect.fromResult(BirthDateKey.parseResult(input, options)))
  }
  /** @internal */
  static fromDigits(digits: string): BirthDateKey {
    return new BirthDateKey(digits)
  }
}

/** First and last years a My Number card can expire in (first cards 2016; validity at most 10 years from issue). */
const EXPIRY_YEARS = { min: 2016, max: 2099 }

const checkExpiryYear = (expiryYear: number | string): Result.Result<number, InvalidCredentialError> => {
  const text = typeof expiryYear === "number" ? String(expiryYear) : normalize(expiryYear)
  if (text === undefined || !/^[0-9]{4}$/.test(text)) return invalid("verificationNumberB", "ExpiryYear")
  const year = Number(text)
  return year >= EXPIRY_YEARS.min && year <= EXPIRY_YEARS.max
    ? Result.succeed(year)
    : invalid("verificationNumberB", "ExpiryYear")
}

const checkSecurityCode = (securityCode: string): Result.Result<string, InvalidCredentialError> => {
  const value = normalize(securityCode)
  return value !== undefined && /^[0-9]{4}$/.test(value)
    ? Result.succeed(value)
    : invalid("verificationNumberB", "SecurityCode")
}

export interface VerificationNumberBParts {
  /** The holder's birth date (any form of {@link BirthDate}). */
  readonly birthDate: BirthDate
  /** How the card prints the birth date: decides era or Western `YY`. No default: read it off the card. */
  readonly calendar: BirthDateCalendar
  /** The Western year of the card's expiry (有効期限), e.g. `2035`. */
  readonly expiryYear: number | string
  /** The 4-digit security code printed on the card front (セキュリティコード). */
  readonly securityCode: string
}

/**
 * 照合番号B (kenhojo `0015`, kenkaku `0012`): 14 digits = birth date `YYMMDD` in the card's calendar ‖ expiry year
 * `YYYY` ‖ security code (§6.3). Opens the basic four information and the card face, not the My Number.
 */
export class VerificationNumberB extends Secret {
  readonly kind = "verificationNumberB" as const
  protected get typeName() {
    return "VerificationNumberB"
  }
  static buildResult(parts: VerificationNumberBParts): Result.Result<VerificationNumberB, InvalidCredentialError> {
    // `fieldOf`: a JavaScript caller's `null` is a malformed 照合番号B (typed), not a TypeError.
    const field = <K extends keyof VerificationNumberBParts>(name: K) =>
      fieldOf(parts, name) as VerificationNumberBParts[K]
    return Result.gen(function* () {
      const date = yield* gregorianOf(field("birthDate"), "verificationNumberB")
      const birth = yield* yymmdd(date, field("calendar"), "verificationNumberB")
      const expiry = yield* checkExpiryYear(field("expiryYear"))
      if (expiry < date.year) return yield* invalid("verificationNumberB", "ExpiryYear")
      const code = yield* checkSecurityCode(field("securityCode"))
      return new VerificationNumberB(`${birth}${expiry}${code}`)
    })
  }
  /** Builds it from its parts, validating each (an impossible date, a bad year or code fail before any APDU). */
  static build(parts: VerificationNumberBParts): Effect.Effect<VerificationNumberB, InvalidCredentialError> {
    return Effect.suspend(() => Effect.fromResult(VerificationNumberB.buildResult(parts)))
  }
  static parseResult(
    input: string,
    options: { readonly calendar: BirthDateCalendar }
  ): Result.Result<VerificationNumberB, InvalidCredentialError> {
    const value = normalize(input)?.replace(/[\s-]/g, "")
    if (value === undefined || !/^[0-9]{14}$/.test(value)) return invalid("verificationNumberB", "Format")
    return Result.gen(function* () {
      const expiry = yield* checkExpiryYear(value.slice(6, 10))
      const calendar = fieldOf(options, "calendar") as BirthDateCalendar
      yield* checkYymmdd(value.slice(0, 6), calendar, "verificationNumberB", expiry)
      return new VerificationNumberB(value)
    })
  }
  /** From the 14 digits as typed; checks the date part in the card's calendar and the expiry year. */
  static parse(
    input: string,
    options: { readonly calendar: BirthDateCalendar }
  ): Effect.Effect<VerificationNumberB, InvalidCredentialError> {
    return Effect.suspend(() => Effect.fromResult(VerificationNumberB.parseResult(input, options)))
  }
  /** The birth date key: the first 6 digits (§6.3). */
  birthDateKey(): BirthDateKey {
    return BirthDateKey.fromDigits(this.value().slice(0, 6))
  }
}

/** Any secret VERIFY can send. */
export type AnySecret = Pin4 | SigningPassword | VerificationNumberA | VerificationNumberB | BirthDateKey
