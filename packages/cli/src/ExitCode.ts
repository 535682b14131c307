/**
 * Exit codes that tell a user error from a card error from a reader error, so scripts can react:
 *
 * | code | meaning |
 * |---|---|
 * | 0 | success |
 * | 1 | unexpected failure (a bug: please report it) |
 * | 2 | usage or input error: fix the command line or the value entered |
 * | 3 | card error: the card refused, answered wrongly, or is not the expected card |
 * | 4 | reader error: no reader, no card, card removed, reader busy or unplugged |
 * | 5 | verification failed: the data did not prove genuine |
 * | 130 | interrupted |
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
  "InvalidCardNumberError",
  "InvalidPinError",
  "InvalidInputError",
  "MissingSecretError",
  "ShowHelp",
  "InvalidValue",
  "MissingOption",
  "MissingArgument",
  "UnrecognizedOption",
  "DuplicateOption",
  "UnknownSubcommand",
  "UserError",
  "OfficialTableError"
])
const readerTags = new Set(["TransportError"])
const verificationTags = new Set(["VerificationFailedError"])

const tagOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
    ? error._tag
    : undefined

export const classify = (error: unknown): number => {
  const tag = tagOf(error)
  if (tag === undefined) return ExitCode.unexpected
  if (usageTags.has(tag)) return ExitCode.usage
  if (readerTags.has(tag)) return ExitCode.reader
  if (verificationTags.has(tag)) return ExitCode.verification
  return ExitCode.card
}

export const fromExit = (exit: Exit.Exit<unknown, unknown>): number => {
  if (Exit.isSuccess(exit)) return ExitCode.ok
  if (Cause.hasInterruptsOnly(exit.cause)) return ExitCode.interrupted
  const failure = exit.cause.reasons.find(Cause.isFailReason)
  return failure === undefined ? ExitCode.unexpected : classify(failure.error)
}
