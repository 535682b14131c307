#!/usr/bin/env node
/**
 * The `jpcard` command. Exit codes: see ExitCode.ts.
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import { run } from "./Cli.js"
import { ExitCode, fromExit } from "./ExitCode.js"
import { failureLines } from "./Failure.js"

const program = run(process.argv.slice(2)).pipe(
  // Errors of the card pipeline carry a message a person can act on; print it once, without a stack trace.
  Effect.tapCause((cause) =>
    Effect.sync(() => {
      for (const line of failureLines(cause)) console.error(line)
    })
  ),
  Effect.provide(NodeServices.layer)
)

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  teardown: (exit, onExit) => onExit(exit._tag === "Success" ? ExitCode.ok : fromExit(exit))
})
