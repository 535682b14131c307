/**
 * Secrets for the CLI (card numbers, PINs, passwords, 照合番号B) come from an environment variable or from a prompt
 * that does not echo, never from a command-line argument that shell history and `ps` keep. They are held as
 * `Redacted` so that nothing prints them by accident. A secret given on the command line anyway (as an argument or
 * as a `--pin`-style flag) is refused before anything reaches the card.
 */
import { Config, Effect, Option, Redacted, Schema, Terminal } from "effect"
import { Argument, Flag, Prompt } from "effect/cli"
import { type SecretKind, SecretOnCommandLineError } from "./Errors.js"

export class MissingSecretError extends Schema.TaggedError<MissingSecretError>()("MissingSecretError", {
  what: Schema.String,
  variable: Schema.String
}) {
  override get message(): string {
    return `the ${this.what} is needed: set ${this.variable} in the environment, or run jpcard in a terminal to be asked for it (it is never taken from the command line)`
  }
}

/** Whether stdin is a terminal a prompt can use. */
export const interactive = (): boolean => process.stdin.isTTY === true

/**
 * The terminal with its output on stderr: a prompt must not end up in stdout, which may be a JSON file
 * (`jpcard read residence --json > card.json`).
 */
const onStderr = Effect.gen(function* () {
  const terminal = yield* Terminal.Terminal
  return Terminal.make({
    columns: terminal.columns,
    rows: terminal.rows,
    size: terminal.size,
    readInput: terminal.readInput,
    readLine: terminal.readLine,
    display: (text) =>
      Effect.callback<void>((resume) => {
        process.stderr.write(text, () => resume(Effect.void))
      })
  })
})

/**
 * The secret from `variable`, else from a hidden prompt (nothing is echoed) on the terminal when stdin is one, else a
 * `MissingSecretError`. Ctrl-C at the prompt interrupts the command.
 */
export const secret = (what: string, variable: string) =>
  Effect.gen(function* () {
    const fromEnv = yield* Config.option(Config.Redacted(variable))
    if (Option.isSome(fromEnv) && Redacted.value(fromEnv.value).trim().length > 0) return fromEnv.value
    if (!interactive()) return yield* new MissingSecretError({ what, variable })
    const terminal = yield* onStderr
    const typed = yield* Prompt.run(Prompt.Hidden({ message: `${what} (not echoed):` })).pipe(
      Effect.provideService(Terminal.Terminal, terminal)
    )
    if (Redacted.value(typed).trim().length === 0) return yield* new MissingSecretError({ what, variable })
    return typed
  })

/** A variable's value when it is set and not empty (for optional, non-prompted inputs). */
export const optionalVariable = (variable: string) =>
  Effect.map(Config.option(Config.Redacted(variable)), (value) =>
    Option.filter(value, (v) => Redacted.value(v).trim().length > 0)
  )

/** What a command-line value looks like, by form only (the value is never kept or printed). */
export const looksLike = (value: string): SecretKind => {
  const v = value.normalize("NFKC").trim()
  const compact = v.replace(/[\s-]/g, "")
  if (/^[A-Za-z]{2}\d{8}[A-Za-z]{2}$/.test(v)) return "card number"
  if (/^\d{4}$/.test(v)) return "PIN"
  if (/^\d{12}$/.test(compact)) return "My Number"
  if (/^\d{14}$/.test(compact)) return "照合番号B"
  if (/^[A-Za-z0-9]{6,16}$/.test(v) && /[A-Za-z]/.test(v) && /\d/.test(v)) return "signing password"
  return "argument"
}

/**
 * Positional arguments the command does not take. They are parsed (and refused with a clear message) rather than
 * left to the parser, whose error would repeat them: a card number typed here must not be printed back.
 */
export const refusedArguments = Argument.String("args").pipe(
  Argument.withDescription(
    "none: a card number, PIN or password given here is refused (exit code 2), as shell history and `ps` would keep it; use the environment variables or the hidden prompt"
  ),
  Argument.variadic()
)

/** A flag a person may guess (`--pin 1234`): parsed, hidden from the help, and refused. */
export const refusedFlag = (name: string) => Flag.String(name).pipe(Flag.optional, Flag.withHidden)

/**
 * Refuses positional arguments and guessed secret flags. `instead` says where the command takes its secrets from.
 *
 * `variables` are the command's `--…-env` flags with the names they were given. A name shaped like a secret that no
 * set variable has is the secret itself typed in the wrong place: it is refused first, as every later message
 * (`instead` among them) names the variable.
 */
export const refuseOnCommandLine = (
  args: ReadonlyArray<string>,
  flags: ReadonlyArray<readonly [kind: SecretKind, value: Option.Option<string>]>,
  instead: string,
  variables: ReadonlyArray<readonly [flag: string, name: string]> = []
) =>
  Effect.gen(function* () {
    for (const [flag, name] of variables) {
      const kind = looksLike(name)
      if (kind !== "argument" && Option.isNone(yield* optionalVariable(name)))
        return yield* new SecretOnCommandLineError({
          kind,
          instead: `${flag} takes the name of the environment variable that holds the secret, not the secret itself`
        })
    }
    for (const [kind, value] of flags)
      if (Option.isSome(value)) return yield* new SecretOnCommandLineError({ kind, instead })
    if (args.length === 0) return
    const kind = args.map(looksLike).find((k) => k !== "argument") ?? "argument"
    return yield* new SecretOnCommandLineError({ kind, instead })
  })
