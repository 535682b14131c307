/**
 * Exit codes that tell a user error from a card error from a reader error, so scripts can react:
 *
 * | code | meaning | errors |
 * |---|---|---|
 * | 0 | success | |
 * | 1 | unexpected failure (a bug: please report it) | defects, errors of unknown kind |
 * | 2 | usage or input error: fix the command line, the value entered or the file given; refused before anything is sent to a card, except an output file that cannot be written (after the read) | command-line parse errors, a secret on the command line, a malformed card number / PIN / password / 照合番号B, a missing secret, a trust folder or CA file that is refused, a saved read that cannot be read, a file that cannot be read or written |
 * | 3 | card error: the card refused, answered wrongly, or is not the expected card | wrong card number, wrong PIN (`WrongPinError`), a locked PIN (`PinLockedError`), the last try refused without `--allow-last-try` (`LastTryRefusedError`), a card of another kind, malformed card data |
 * | 4 | reader error: no reader, no card, several cards and no --reader before a PIN, card removed, reader busy or unplugged, PC/SC not installed or not running, the virtual reader unreachable | `TransportError`, `VirtualReaderError` |
 * | 5 | verification failed: the data did not prove genuine (the report says why) | `VerificationFailedError` |
 * | 130 | interrupted (Ctrl-C) | |
 *
 * The PIN errors are card errors: the card's own counter decided (or, for the last try, would decide) the outcome, and
 * the remedy is about the card (ask the holder, or the municipal office for a locked PIN), not the command line.
 */
import { Cause, Exit } from "effect"

export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  card: 3,
  reader: 4,
  verification: 5,
  interrupted: 130
} as const

const usageTags = new Set([
  // this command
  "SecretOnCommandLineError",
  "InvalidInputError",
  "MissingSecretError",
  // validated before any APDU by the core
  "InvalidCardNumberError",
  "InvalidCredentialError",
  "InvalidDigestError",
  "InvalidNonceError",
  "InvalidArgumentError",
  "NoRequestedFileError",
  "CredentialScopeError",
  // verification input
  "AnchorError",
  "VerifyInputError",
  "CrlParseError",
  "CertificateParseError",
  // files
  "PlatformError",
  // effect/cli parse errors (already shown with the help text)
  "ShowHelp",
  "InvalidValue",
  "MissingOption",
  "MissingArgument",
  "UnrecognizedOption",
  "DuplicateOption",
  "UnknownSubcommand",
  "UnexpectedArgument",
  "ValidationError",
  "UserError",
  // codes package
  "OfficialTableError"
])
const cardTags = new Set([
  "ResidenceAuthenticationError",
  "UnsupportedCardError",
  "SecureMessagingError",
  "CardDataError",
  "CardStatusError",
  "MalformedResponseError",
  "TlvError",
  "WrongPinError",
  "PinLockedError",
  "LastTryRefusedError",
  "PinStatusUnavailableError",
  "NotMyNumberCardError"
])
const readerTags = new Set(["TransportError", "VirtualReaderError", "VpcdError"])
const verificationTags = new Set(["VerificationFailedError"])

const tagOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
    ? error._tag
    : undefined

export const classify = (error: unknown): number => {
  const tag = tagOf(error)
  if (tag === undefined) return ExitCode.unexpected
  if (usageTags.has(tag)) return ExitCode.usage
  if (cardTags.has(tag)) return ExitCode.card
  if (readerTags.has(tag)) return ExitCode.reader
  if (verificationTags.has(tag)) return ExitCode.verification
  return ExitCode.unexpected
}

export const fromExit = (exit: Exit.Exit<unknown, unknown>): number => {
  if (Exit.isSuccess(exit)) return ExitCode.ok
  if (Cause.hasInterruptsOnly(exit.cause)) return ExitCode.interrupted
  const failure = exit.cause.reasons.find(Cause.isFailReason)
  return failure === undefined ? ExitCode.unexpected : classify(failure.error)
}
