/**
 * Secrets for the CLI (card numbers, PINs, passwords) come from an environment variable or from a prompt that does
 * not echo, never from a command-line argument that shell history and `ps` keep. They are held as `Redacted` so
 * that nothing prints them by accident.
 */
import { Config, Effect, Option, Redacted, Schema } from "effect"
import { Prompt } from "effect/cli"

export class MissingSecretError extends Schema.TaggedError<MissingSecretError>()("MissingSecretError", {
  what: Schema.String,
  variable: Schema.String
}) {
  override get message(): string {
    return `the ${this.what} is needed: set ${this.variable} in the environment, or run jpcard in a terminal to be asked for it (it is never taken from the command line)`
  }
}

/**
 * The secret from `variable`, else from a hidden prompt when stdin is a terminal, else a `MissingSecretError`.
 */
export const secret = (what: string, variable: string) =>
  Effect.gen(function* () {
    const fromEnv = yield* Config.option(Config.Redacted(variable))
    if (Option.isSome(fromEnv) && Redacted.value(fromEnv.value).length > 0) return fromEnv.value
    if (!process.stdin.isTTY) return yield* new MissingSecretError({ what, variable })
    return yield* Prompt.run(Prompt.Password({ message: `${what}:` })).pipe(
      Effect.mapError(() => new MissingSecretError({ what, variable }))
    )
  })
