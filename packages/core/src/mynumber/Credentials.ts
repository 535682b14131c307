/**
 * What a caller hands the readers to open a file: an object naming the credential, e.g. `{ pin: "1234" }`,
 * `{ verificationNumberA: "123456789018" }`, `{ verificationNumberB }` (built with `VerificationNumberB.build`). Strings
 * are validated here, before any APDU; validated instances pass through.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import type { Credential } from "./Applications.js"
import type { InvalidCredentialError } from "./Errors.js"
import {
  type AnySecret,
  type BirthDateKey,
  type MyNumber,
  Pin4,
  SigningPassword,
  VerificationNumberA,
  type VerificationNumberB
} from "./Pin.js"

export interface WithPin {
  /** The 4-digit PIN. */
  readonly pin: string | Pin4
}
export interface WithVerificationNumberA {
  /** 照合番号A: the 12-digit My Number. */
  readonly verificationNumberA: string | MyNumber | VerificationNumberA
}
export interface WithVerificationNumberB {
  /** 照合番号B, built with `VerificationNumberB.build` (or `parse`), which needs the card's calendar. */
  readonly verificationNumberB: VerificationNumberB
}
export interface WithBirthDateKey {
  /** The birth date key, built with `BirthDateKey.build` (or `parse`), which needs the card's calendar. */
  readonly birthDateKey: BirthDateKey
}
export interface WithSigningPassword {
  /** The JPKI signing password (upper-cased before sending). */
  readonly password: string | SigningPassword
}

/** A secret resolved to the key reference it goes to. */
export interface Resolved {
  readonly credential: Credential
  readonly secret: AnySecret
}

export const pin = (credential: Credential, value: string | Pin4): Result.Result<Resolved, InvalidCredentialError> =>
  value instanceof Pin4
    ? Result.succeed({ credential, secret: value })
    : Result.map(Pin4.parseResult(value), (secret) => ({ credential, secret }))

export const verificationNumberA = (
  credential: Credential,
  value: string | MyNumber | VerificationNumberA
): Result.Result<Resolved, InvalidCredentialError> =>
  value instanceof VerificationNumberA
    ? Result.succeed({ credential, secret: value })
    : Result.map(VerificationNumberA.parseResult(value), (secret) => ({ credential, secret }))

export const signingPassword = (
  credential: Credential,
  value: string | SigningPassword
): Result.Result<Resolved, InvalidCredentialError> =>
  value instanceof SigningPassword
    ? Result.succeed({ credential, secret: value })
    : Result.map(SigningPassword.parseResult(value), (secret) => ({ credential, secret }))

/**
 * Whether `input` is an object with `key`. Checked at run time: a JavaScript caller may pass a bare string, a number
 * or `undefined`, on which `in` throws a TypeError; those resolve to an `InvalidCredentialError` instead.
 */
export const has = <K extends string>(input: object, key: K): input is Record<K, unknown> =>
  typeof input === "object" && input !== null && key in input
