/** Flag helpers. */
import { Flag } from "effect/cli"

/** A boolean flag that is off unless given (effect/cli's `Flag.Boolean` is required by default). */
export const toggle = (name: string, description: string) =>
  Flag.Boolean(name).pipe(Flag.withDescription(description), Flag.withDefault(false))
