/**
 * The `jpcard` command tree. `main.ts` runs it; tests run it with `Command.runWith`.
 */
import { Command } from "effect/cli"
import { demo } from "./commands/demo.js"

export const root = Command.make("jpcard").pipe(
  Command.withDescription("Read and verify the IC chips of Japanese identity cards"),
  Command.withSubcommands([demo])
)

export const version = "0.1.0"
