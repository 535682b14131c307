#!/usr/bin/env node
/**
 * The `jpcard` command. Exit codes: see ExitCode.ts.
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Cause, Effect } from "effect"
import { CliError, Command } from "effect/cli"
import { root, version } from "./Cli.js"
import { ExitCode, fromExit } from "./ExitCode.js"

const program = Command.run(root, { version }).pipe(
  // Errors of the card pipeline carry a message a person can act on; print it once, without a stack trace.
  Effect.tapCause((cause) =>
    Effect.sync(() => {
      for (const reason of cause.reasons) {
        if (reason._tag === "Fail") {
          // Command-line parse errors were already presented with the help text.
          if (CliError.isCliError(reason.error) && !(reason.error instanceof CliError.UserError)) continue
          const error = reason.error as { message?: string }
          console.error(`jpcard: ${error.message ?? String(reason.error)}`)
        } else if (reason._tag === "Die")
          console.error(`jpcard: unexpected failure, please report it:\n${Cause.pretty(cause)}`)
      }
    })
  ),
  Effect.provide(NodeServices.layer)
)

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  teardown: (exit, onExit) => onExit(exit._tag === "Success" ? ExitCode.ok : fromExit(exit))
})
