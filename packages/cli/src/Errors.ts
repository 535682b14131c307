/**
 * Errors of the command itself (the card pipeline's errors come from the libraries). Each message says what to do;
 * none carries a secret: a refused argument is described by its kind, never repeated.
 */
import { Schema } from "effect"

/** What a refused command-line value looked like (never the value). */
export const SecretKind = Schema.Literals([
  "card number",
  "PIN",
  "signing password",
  "My Number",
  "照合番号B",
  "argument"
])
export type SecretKind = typeof SecretKind.Type

/**
 * A card number, PIN or password was given on the command line, where shell history and `ps` keep it. Nothing was
 * sent to the card.
 */
export class SecretOnCommandLineError extends Schema.TaggedError<SecretOnCommandLineError>()(
  "SecretOnCommandLineError",
  {
    /** What the refused value looked like. */
    kind: SecretKind,
    /** Where the command takes the secret from instead, e.g. "set JPCARD_CARD_NUMBER (see --card-number-env)". */
    instead: Schema.String
  }
) {
  override get message(): string {
    if (this.kind === "argument")
      return `this command takes no positional arguments (what was given is not repeated here, in case it is a secret). Secrets are never taken from the command line. ${this.instead}. Nothing was sent to the card`
    return `refusing a ${this.kind} on the command line: shell history and \`ps\` would keep it. ${this.instead}. Nothing was sent to the card; if this was a real ${this.kind}, remove it from your shell history`
  }
}

/** A command-line value that is not in the form the command takes (flags that go together, a bad list, …). */
export class InvalidInputError extends Schema.TaggedError<InvalidInputError>()("InvalidInputError", {
  detail: Schema.String
}) {
  override get message(): string {
    return this.detail
  }
}

/** The data did not verify (exit code 5). The report itself was already printed. */
export class VerificationFailedError extends Schema.TaggedError<VerificationFailedError>()("VerificationFailedError", {
  verdict: Schema.String,
  summary: Schema.String
}) {
  override get message(): string {
    return `not verified (${this.verdict}): ${this.summary}`
  }
}

/** The virtual reader (vpcd) could not be reached, or dropped the simulated card. */
export class VirtualReaderError extends Schema.TaggedError<VirtualReaderError>()("VirtualReaderError", {
  detail: Schema.String
}) {
  override get message(): string {
    return this.detail
  }
}
