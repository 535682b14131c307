/**
 * How a failed command is reported: one `jpcard: <message>` line per failure on stderr, no stack trace (a defect
 * gets the full cause, as it is a bug to report). The libraries' messages speak to programmers in a few places
 * (`{ allowLastTry: true }`); here they speak of the command's flags.
 */
import { Cause } from "effect"
import { CliError } from "effect/cli"

/** The message of one failure, in the command's terms. */
export const messageOf = (error: unknown): string => {
  const message =
    typeof error === "object" && error !== null && "message" in error && typeof error.message === "string"
      ? error.message
      : String(error)
  return message
    .replaceAll("unless the call passes { allowLastTry: true }", "unless you pass --allow-last-try")
    .replaceAll("then call again with { allowLastTry: true }", "then run the same command again with --allow-last-try")
    .replaceAll("{ allowLastTry: true }", "--allow-last-try")
}

/** The lines to print for a failed run (none for command-line errors: effect/cli showed them with the help). */
export const failureLines = (cause: Cause.Cause<unknown>): ReadonlyArray<string> => {
  const lines: Array<string> = []
  for (const reason of cause.reasons) {
    if (reason._tag === "Fail") {
      if (CliError.isCliError(reason.error) && !(reason.error instanceof CliError.UserError)) continue
      lines.push(`jpcard: ${messageOf(reason.error)}`)
    } else if (reason._tag === "Die")
      lines.push(`jpcard: unexpected failure, please report it:\n${Cause.pretty(cause)}`)
  }
  return lines
}
