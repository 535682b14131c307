// What a run may end in: a value, or exactly one typed error of the core's error modules. A defect (die, thrown
// exception), an interrupt or a foreign error fails the test with the whole cause printed.
import { Cause, Exit } from "effect"
import { MalformedResponseError } from "../../../src/apdu/Apdu.js"
import { CardStatusError } from "../../../src/apdu/StatusWord.js"
import { InvalidArgumentError } from "../../../src/Input.js"
import {
  CredentialScopeError,
  InvalidCredentialError,
  InvalidDigestError,
  InvalidNonceError,
  LastTryRefusedError,
  NotMyNumberCardError,
  PinLockedError,
  PinStatusUnavailableError,
  WrongPinError
} from "../../../src/mynumber/Errors.js"
import {
  CardDataError,
  InvalidCardNumberError,
  ResidenceAuthenticationError,
  SecureMessagingError,
  UnsupportedCardError
} from "../../../src/residence/Errors.js"
import { TlvError } from "../../../src/tlv/Tlv.js"
import { TransportError } from "../../../src/transport/CardTransport.js"

/** Every error class the core fails with. */
export const typedErrorClasses = [
  MalformedResponseError,
  CardStatusError,
  TransportError,
  TlvError,
  InvalidArgumentError,
  InvalidCardNumberError,
  ResidenceAuthenticationError,
  SecureMessagingError,
  CardDataError,
  UnsupportedCardError,
  InvalidCredentialError,
  InvalidDigestError,
  InvalidNonceError,
  WrongPinError,
  PinLockedError,
  LastTryRefusedError,
  PinStatusUnavailableError,
  NotMyNumberCardError,
  CredentialScopeError
] as const

export type TypedError = InstanceType<(typeof typedErrorClasses)[number]>

export const isTypedError = (u: unknown): u is TypedError => typedErrorClasses.some((c) => u instanceof c)

export type Outcome<A> =
  | { readonly _tag: "Success"; readonly value: A }
  | { readonly _tag: "Failure"; readonly error: TypedError }

/** Thrown (to fail the property) when a run ends in anything but a value or one typed error. */
export class NotATypedOutcome extends Error {}

export const outcomeOf = <A>(exit: Exit.Exit<A, unknown>): Outcome<A> => {
  if (Exit.isSuccess(exit)) return { _tag: "Success", value: exit.value }
  const cause = exit.cause
  const reasons = cause.reasons
  if (Cause.hasDies(cause) || Cause.hasInterrupts(cause) || reasons.length !== 1)
    throw new NotATypedOutcome(`not one typed failure:\n${Cause.pretty(cause)}`)
  const reason = reasons[0]!
  if (!Cause.isFailReason(reason)) throw new NotATypedOutcome(`not a failure:\n${Cause.pretty(cause)}`)
  if (!isTypedError(reason.error)) throw new NotATypedOutcome(`an untyped error:\n${Cause.pretty(cause)}`)
  return { _tag: "Failure", error: reason.error }
}

/** The step an error names, if it has one. */
export const stepOf = (error: TypedError): string | undefined =>
  "step" in error && typeof error.step === "string" ? error.step : undefined

/**
 * An error from a card conversation names its step (one of the pipeline's, by prefix) and says it in its message.
 * Only a transport error, which is about the link and not a step, has none.
 */
export const assertNamesStep = (error: TypedError, prefix: string): void => {
  if (error instanceof TransportError) return
  const step = stepOf(error)
  if (step === undefined || !step.startsWith(prefix))
    throw new Error(`${error._tag} does not name a ${prefix}* step: ${String(step)}`)
  if (!error.message.includes(step)) throw new Error(`${error._tag}'s message does not name its step: ${error.message}`)
}

/** A run of 16 or more hex digits: key, cryptogram or image bytes dumped into text. */
const hexDump = /[0-9A-Fa-f]{16,}/

/** Everything an error shows: its message and its fields as JSON. */
export const textsOf = (error: TypedError): ReadonlyArray<string> => [error.message, JSON.stringify(error)]

/**
 * The error carries none of `secrets` (card number, My Number, passwords, card contents) and no byte dump. Secrets
 * too short to be told from an incidental number (4-digit PINs) are checked by `assertSameTextWithOtherSecrets`.
 */
export const assertDiscreet = (error: TypedError, secrets: ReadonlyArray<string>): void => {
  for (const text of textsOf(error)) {
    for (const secret of secrets)
      if (text.includes(secret)) throw new Error(`${error._tag} shows a secret or card content: ${text}`)
    if (hexDump.test(text)) throw new Error(`${error._tag} shows a byte dump: ${text}`)
  }
}
