/**
 * Command-line parse errors shown without the values typed. effect/cli's own messages quote them
 * (`Invalid value for flag --with: "1234"`, `Unknown subcommand "1234"`, and `-p1234` as four unrecognized flags
 * `-1` … `-4`), and a value typed in the wrong place may be a PIN, a password or a card number: the guide's privacy
 * rule (no secret in an error message) holds for the parser's messages too. The help text and the exit code (2) are
 * unchanged; only the error lines are rewritten.
 */
import type { Layer } from "effect"
import { CliError, CliOutput } from "effect/cli"
import { looksLike } from "./Secrets.js"

const NOT_REPEATED = "not repeated here, in case it is a secret"

/** A long flag's name as typed (`--pn`), shown only when it has no digit: flag names have none, secrets do. */
const showableFlag = (option: string): boolean => /^--[A-Za-z][A-Za-z-]*$/.test(option)

/** The error with every typed value left out; errors that carry none are kept as they are. */
export const withoutValue = (error: CliError.NonShowHelpErrors): CliError.NonShowHelpErrors => {
  switch (error._tag) {
    case "InvalidValue": {
      const what = error.kind === "argument" ? `argument <${error.option}>` : `flag --${error.option}`
      const expected =
        error.expected.startsWith("Expected ") || error.expected.startsWith("Expected:")
          ? error.expected
          : `Expected: ${error.expected}`
      return new CliError.ValidationError({
        message:
          error.value.length === 0
            ? `Missing value for ${what}. ${expected}`
            : `Invalid value for ${what} (${NOT_REPEATED}). ${expected}`
      })
    }
    case "UnknownSubcommand": {
      const parent = error.parent === undefined ? "" : ` for "${error.parent.join(" ")}"`
      const suggestions =
        error.suggestions.length > 0 ? `\n\n  Did you mean this?\n    ${error.suggestions.join("\n    ")}` : ""
      return new CliError.ValidationError({ message: `Unknown subcommand${parent} (${NOT_REPEATED})${suggestions}` })
    }
    case "UnrecognizedOption": {
      if (showableFlag(error.option)) return error
      const command = error.command === undefined ? "" : ` in command ${error.command.join(" ")}`
      return new CliError.ValidationError({
        message: `Unrecognized flag${command}: a short flag or a name with digits (${NOT_REPEATED}); see the flags above`
      })
    }
    case "UnexpectedArgument": {
      const n = error.arguments.length
      return new CliError.ValidationError({
        message: `Unexpected positional ${n === 1 ? "argument" : `arguments (${n})`} (${NOT_REPEATED}); this command takes none`
      })
    }
    default:
      return error
  }
}

/** Words of the command line shaped like a secret, longest first (`--x=v` and `-xv` contribute `v`). */
const secretShaped = (args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const words = new Set<string>()
  for (const arg of args) {
    const value = arg.startsWith("-") && arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : arg
    // `-p1234`: a short flag with its value attached, as getopt reads it.
    const attached = /^-[A-Za-z]./.test(arg) ? [arg.slice(2)] : []
    for (const word of [value, value.replace(/^-+/, ""), ...attached])
      if (word.trim().length > 0 && looksLike(word) !== "argument") words.add(word)
  }
  return [...words].sort((a, b) => b.length - a.length)
}

/**
 * The messages of `errors` without typed values, one line per distinct message (`-p1234` gives one line for its
 * digits, not four). As a second guard, any secret-shaped word of `args` left in a message (say, inside a schema's
 * "expected" text) is replaced by `<not shown>`.
 */
export const redact = (
  errors: ReadonlyArray<CliError.NonShowHelpErrors>,
  args: ReadonlyArray<string>
): ReadonlyArray<CliError.NonShowHelpErrors> => {
  const secrets = secretShaped(args)
  const seen = new Set<string>()
  const out: Array<CliError.NonShowHelpErrors> = []
  for (const error of errors) {
    const safe = withoutValue(error)
    let message = safe.message
    for (const secret of secrets) message = message.replaceAll(secret, "<not shown>")
    if (seen.has(message)) continue
    seen.add(message)
    out.push(message === safe.message ? safe : new CliError.ValidationError({ message }))
  }
  return out
}

/** effect/cli's presenter with parse errors redacted (help and version unchanged). */
export const presenter = (args: ReadonlyArray<string>): CliOutput.Presenter => ({
  present: (event) =>
    event._tag === "InvalidInvocation"
      ? CliOutput.defaultPresenter.present({ ...event, errors: redact(event.errors, args) })
      : CliOutput.defaultPresenter.present(event)
})

/** The presenter for a run over `args`. */
export const layer = (args: ReadonlyArray<string>): Layer.Layer<never> => CliOutput.layerPresenter(presenter(args))
