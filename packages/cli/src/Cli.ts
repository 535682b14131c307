/**
 * The `jpcard` command tree. `main.ts` and the tests run it with `run`.
 */
import { Effect } from "effect"
import { Command } from "effect/cli"
import * as CommandLineErrors from "./CommandLineErrors.js"
import { demo } from "./commands/demo.js"
import { jpki } from "./commands/jpki.js"
import { read } from "./commands/read.js"
import { readers, watch } from "./commands/readers.js"
import { sim } from "./commands/sim.js"
import { verify } from "./commands/verify.js"

import { version } from "./Version.js"

export { version }

export const root = Command.make("jpcard").pipe(
  Command.withDescription(
    "Read and verify the IC chips of Japanese identity cards. Secrets (card numbers, PINs, passwords) come from environment variables (JPCARD_CARD_NUMBER, JPCARD_PIN, JPCARD_SIGNING_PASSWORD, JPCARD_VERIFICATION_NUMBER_B) or a prompt without echo, never from the command line. Exit codes: 0 ok, 1 unexpected (a bug), 2 usage or input, 3 card, 4 reader, 5 not verified, 130 interrupted"
  ),
  Command.withSubcommands([readers, watch, read, jpki, verify, sim, demo])
)

/** `jpcard` over `args`, its parse errors shown without the values typed (see CommandLineErrors.ts). */
export const run = (args: ReadonlyArray<string>) =>
  Command.runWith(root, { version })(args).pipe(Effect.provide(CommandLineErrors.layer(args)))
