/**
 * The guarded VERIFY: the only way the My Number readers present a secret to the card.
 *
 * 1. SELECT the key EF, then ask for the tries left with `00 20 00 80` and no data, which consumes none
 *    (shared/reference/mynumber-card.md §6.2; https://github.com/OpenSC/OpenSC/pull/959).
 * 2. At 0 tries (or `69 84`): `PinLockedError`, nothing sent. At exactly 1: `LastTryRefusedError`, nothing sent, unless
 *    this call passes `{ allowLastTry: true }` (a wrong value would lock the card). A counter the card does not
 *    report: `PinStatusUnavailableError`, nothing sent.
 * 3. Send the VERIFY once, its data traced as `<redacted>`. `63 Cx` becomes `WrongPinError` with the tries
 *    left, `69 84` / `69 83` `PinLockedError`. Never a second attempt: the VERIFY is transmitted by hand, outside
 *    `Iso7816.exchange`, whose `6Cxx` rule would resend a command.
 *
 * The credential's application must be selected (SELECT DF clears verifications, §11).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Apdu from "../apdu/Apdu.js"
import { CardStatusError, retriesLeft } from "../apdu/StatusWord.js"
import { toHex } from "../Bytes.js"
import * as Input from "../Input.js"
import * as Iso7816 from "../iso7816/Iso7816.js"
import { ApduTrace } from "../trace/ApduTrace.js"
import { CardTransport } from "../transport/CardTransport.js"
import { type Credential, Credential as CredentialSchema, credentials } from "./Applications.js"
import {
  InvalidCredentialError,
  LastTryRefusedError,
  PinLockedError,
  PinStatusUnavailableError,
  WrongPinError
} from "./Errors.js"
import { type AnySecret, BirthDateKey, Pin4, SigningPassword, VerificationNumberA, VerificationNumberB } from "./Pin.js"

export interface VerifyOptions {
  /**
   * Send the secret even though the card has a single try left, where a wrong value locks the key for good (only
   * the municipal office can reset it). Applies to this call only; default `false`.
   */
  readonly allowLastTry?: boolean | undefined
}

/** What `VerifyOptions` may hold, checked at run time: consent is `true` or nothing, never a truthy string. */
export const verifyOptionChecks = { allowLastTry: Input.boolean }

/**
 * Checks a reader's options before any APDU (a JavaScript caller may pass `null`, or `allowLastTry: "yes"`): an
 * `InvalidArgumentError` naming the entry point. `extra` adds the reader's own fields.
 */
export const requireVerifyOptions = (
  step: string,
  options: unknown,
  extra: Readonly<Record<string, Input.Check>> = {}
): Effect.Effect<void, Input.InvalidArgumentError> =>
  Input.requireOptions(step, options, { ...verifyOptionChecks, ...extra })

const isCredential = (value: unknown): value is Credential =>
  typeof value === "string" && (CredentialSchema.literals as ReadonlyArray<string>).includes(value)

/** A credential name, e.g. `kenhojo.pin` (one of `Applications.Credential`). */
export const credentialCheck: Input.Check = {
  expected: `a credential name (${CredentialSchema.literals.join(", ")})`,
  is: isCredential
}

const isSecret = (value: unknown): value is AnySecret =>
  value instanceof Pin4 ||
  value instanceof SigningPassword ||
  value instanceof VerificationNumberA ||
  value instanceof VerificationNumberB ||
  value instanceof BirthDateKey

const stepOf = (credential: Credential, what: "select" | "tries" | "verify") => `mynumber.${credential}.${what}`

const isLocked = (sw: number) => sw === 0x6984 || sw === 0x6983

/**
 * One transmission, no resend of any kind. Its data (the secret) is traced as `<redacted>`, without even its length:
 * the signing password's length would narrow it down.
 */
const transmitOnce = Effect.fnUntraced(function* (command: Apdu.Command, step: string) {
  const transport = yield* CardTransport
  const trace = yield* ApduTrace
  const raw = yield* transport.transmit(Apdu.encode(command, "short"))
  const response = Apdu.parseResponse(raw)
  if (response === undefined)
    return yield* new Apdu.MalformedResponseError({ step, detail: `${raw.length} bytes, no status word` })
  const data = command.data === undefined || command.data.length === 0 ? undefined : "<redacted>"
  yield* trace.record({
    step,
    header: toHex(Uint8Array.of(command.cla, command.ins, command.p1, command.p2)),
    ...(data !== undefined ? { data } : {}),
    response: `<${response.data.length} bytes>`,
    sw: Apdu.swHex(response.sw),
    form: "short"
  })
  return response
})

/**
 * The tries left on the current key EF: `00 20 00 80` without data (case 1), which consumes no try. 0 for a locked
 * key (`63 C0`, or `69 84` / `69 83` from cards that answer so).
 */
export const readCounter = Effect.fn("mynumber.pin.readCounter")(function* (credential: Credential) {
  const step = stepOf(credential, "tries")
  const response = yield* transmitOnce(Apdu.command(0x00, 0x20, 0x00, 0x80), step)
  const tries = retriesLeft(response.sw)
  if (tries !== undefined) return tries
  if (isLocked(response.sw)) return 0
  // 9000 (ISO: no verification needed) and 6300 (no counter) say nothing about the tries left.
  if (response.sw === 0x9000 || response.sw === 0x6300)
    return yield* new PinStatusUnavailableError({ step, credential, sw: response.sw })
  return yield* CardStatusError.fromSw(step, response.sw)
})

/** SELECT the credential's key EF and read its counter, consuming no try. Its application must be selected. */
export const queryTries = Effect.fn("mynumber.pin.queryTries")(function* (credential: Credential) {
  yield* Input.requireArgument("mynumber.pin.queryTries", "credential", credential, credentialCheck)
  yield* Iso7816.selectEf(credentials[credential].keyEf, stepOf(credential, "select"))
  return yield* readCounter(credential)
})

/**
 * Presents `secret` to the credential's key EF behind the guard (see the module comment). The credential's
 * application must be selected; the secret must be of the kind the key takes (checked before any APDU).
 */
export const verify = Effect.fn("mynumber.pin.verify")(function* (
  credential: Credential,
  secret: AnySecret,
  options: VerifyOptions = {}
) {
  yield* Input.requireArgument("mynumber.pin.verify", "credential", credential, credentialCheck)
  const spec = credentials[credential]
  // A secret is one of the validated classes (`Pin4.parse`...): anything else is a malformed secret, sent nowhere.
  if (!isSecret(secret)) return yield* new InvalidCredentialError({ input: spec.kind, reason: "Format" })
  if (secret.kind !== spec.kind) return yield* new InvalidCredentialError({ input: spec.kind, reason: "WrongKind" })
  yield* requireVerifyOptions("mynumber.pin.verify", options)
  const tries = yield* queryTries(credential)
  if (tries === 0) return yield* new PinLockedError({ step: stepOf(credential, "tries"), credential })
  if (tries === 1 && options.allowLastTry !== true)
    return yield* new LastTryRefusedError({ step: stepOf(credential, "tries"), credential, triesLeft: tries })
  const step = stepOf(credential, "verify")
  const response = yield* transmitOnce(Apdu.command(0x00, 0x20, 0x00, 0x80, secret.bytes()), step)
  // 61xx: processing completed (no data is expected from VERIFY).
  if (response.sw === 0x9000 || response.sw >> 8 === 0x61) return
  const left = retriesLeft(response.sw)
  if (left !== undefined) return yield* new WrongPinError({ step, credential, triesLeft: left })
  if (response.sw === 0x6300) return yield* new WrongPinError({ step, credential })
  if (isLocked(response.sw)) return yield* new PinLockedError({ step, credential })
  return yield* CardStatusError.fromSw(step, response.sw)
})

/** The state of one key reference, read without consuming a try. */
export type PinStatus =
  | {
      readonly credential: Credential
      readonly state: "available"
      readonly triesLeft: number
      readonly maxTries: number | undefined
    }
  | { readonly credential: Credential; readonly state: "locked"; readonly maxTries: number | undefined }
  /** The card did not report a counter (it answered `sw` to the query). */
  | { readonly credential: Credential; readonly state: "unknown"; readonly sw: number }
  /** The card does not have the credential's application (a smartphone JPKI has only the JPKI application). */
  | { readonly credential: Credential; readonly state: "absent" }

/** The status of one credential whose application is selected. */
export const status = Effect.fn("mynumber.pin.status")(function* (credential: Credential) {
  yield* Input.requireArgument("mynumber.pin.status", "credential", credential, credentialCheck)
  const maxTries = credentials[credential].maxTries
  return yield* queryTries(credential).pipe(
    Effect.map(
      (triesLeft): PinStatus =>
        triesLeft === 0
          ? { credential, state: "locked", maxTries }
          : { credential, state: "available", triesLeft, maxTries }
    ),
    Effect.catchTag("PinStatusUnavailableError", (e) =>
      Effect.succeed<PinStatus>({ credential, state: "unknown", sw: e.sw })
    )
  )
})
