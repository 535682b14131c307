/**
 * Run-time checks of what a caller hands the public entry points besides secrets and card numbers (which have their
 * own typed errors): option objects, a detection, a session, a transport. TypeScript checks these at compile time, but
 * a JavaScript caller may pass `null`, a number or a field of the wrong type; that is an `InvalidArgumentError` before
 * any APDU, never a TypeError.
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema } from "effect"

/**
 * An argument or option of the wrong shape, found before anything was sent to the card. Names the entry point and the
 * argument and says what it must be; of the value given it tells only the kind (`null`, `a number`), never the value.
 */
export class InvalidArgumentError extends Schema.TaggedError<InvalidArgumentError>()("InvalidArgumentError", {
  /** The entry point, e.g. `residence.read`. */
  step: Schema.String,
  /** The argument or option, e.g. `options.files`. */
  argument: Schema.String,
  /** What it must be. */
  expected: Schema.String,
  /** The kind of what was given (`null`, `a number`, `an array`...), never the value. */
  got: Schema.String
}) {
  override get message(): string {
    return `${this.step}: ${this.argument} must be ${this.expected}, got ${this.got}; fix the call (nothing was sent to the card)`
  }
}

/** What a value is, for an error message: its kind, never its content. */
export const kindOf = (value: unknown): string => {
  if (value === null) return "null"
  if (value === undefined) return "undefined"
  if (Array.isArray(value)) return "an array"
  if (value instanceof Uint8Array) return "bytes"
  if (value instanceof ArrayBuffer) return "an ArrayBuffer"
  if (ArrayBuffer.isView(value)) return "a typed array that is not a Uint8Array, or a DataView"
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid Date" : "a Date"
  const type = typeof value
  return type === "object" ? "an object" : `a ${type}`
}

/** A guard with the text an error shows for it. */
export interface Check {
  readonly expected: string
  readonly is: (value: unknown) => boolean
}

/**
 * An object with fields: not `null`, an array, bytes or another buffer, nor a Date (`f(input, date)` where
 * `f(input, { at: date })` was meant must not read as no options at all).
 */
export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" &&
  value !== null &&
  !Array.isArray(value) &&
  !ArrayBuffer.isView(value) &&
  !(value instanceof ArrayBuffer) &&
  !(value instanceof Date)

export const boolean: Check = { expected: "true or false", is: (value) => typeof value === "boolean" }

export const func: Check = { expected: "a function", is: (value) => typeof value === "function" }

/** One of the given values (compared with `===`). */
export const oneOf = (values: ReadonlyArray<unknown>, expected: string): Check => ({
  expected,
  is: (value) => values.includes(value)
})

/** An array whose every element passes `element`. */
export const arrayOf = (element: (value: unknown) => boolean, expected: string): Check => ({
  expected,
  is: (value) => Array.isArray(value) && value.every(element)
})

/** `value` passes `check`, or the error naming `argument`. */
export const checkArgument = (
  step: string,
  argument: string,
  value: unknown,
  check: Check
): Result.Result<void, InvalidArgumentError> =>
  check.is(value)
    ? Result.void
    : Result.fail(new InvalidArgumentError({ step, argument, expected: check.expected, got: kindOf(value) }))

/**
 * An options object: `undefined` (no options) or an object whose listed fields, where present and not `undefined`,
 * pass their checks. Other fields are ignored. `null`, a number, a string, an array or bytes are refused.
 */
export const checkOptions = (
  step: string,
  options: unknown,
  fields: Readonly<Record<string, Check>>,
  argument = "options"
): Result.Result<void, InvalidArgumentError> => {
  if (options === undefined) return Result.void
  if (!isRecord(options))
    return Result.fail(
      new InvalidArgumentError({ step, argument, expected: "an object or undefined", got: kindOf(options) })
    )
  for (const [name, check] of Object.entries(fields)) {
    const value = options[name]
    if (value !== undefined && !check.is(value))
      return Result.fail(
        new InvalidArgumentError({
          step,
          argument: `${argument}.${name}`,
          expected: `${check.expected} (or absent)`,
          got: kindOf(value)
        })
      )
  }
  return Result.void
}

/** `checkOptions` as an Effect, for the entry points' generators. */
export const requireOptions = (
  step: string,
  options: unknown,
  fields: Readonly<Record<string, Check>>,
  argument?: string
): Effect.Effect<void, InvalidArgumentError> => Effect.fromResult(checkOptions(step, options, fields, argument))

/** `checkArgument` as an Effect. */
export const requireArgument = (
  step: string,
  argument: string,
  value: unknown,
  check: Check
): Effect.Effect<void, InvalidArgumentError> => Effect.fromResult(checkArgument(step, argument, value, check))

/** A field of what may not be an object (a JavaScript caller's `null` or number): `undefined` when it is not. */
export const fieldOf = (value: unknown, name: string): unknown => (isRecord(value) ? value[name] : undefined)

const bytesOrAbsent: Check = { expected: "bytes (a Uint8Array) or absent", is: (value) => value instanceof Uint8Array }

/**
 * Files as a reader returns them: an object whose named fields, where present and not `undefined`, are bytes. What a
 * server decoded from a network message may be anything; a parser handed a string for a file must say so, not throw.
 */
export const requireFiles = (
  step: string,
  files: unknown,
  names: ReadonlyArray<string>,
  argument = "raw"
): Effect.Effect<void, InvalidArgumentError> =>
  isRecord(files)
    ? requireOptions(step, files, Object.fromEntries(names.map((name) => [name, bytesOrAbsent])), argument)
    : Effect.fail(
        new InvalidArgumentError({
          step,
          argument,
          expected: "the files a read returned (an object)",
          got: kindOf(files)
        })
      )
