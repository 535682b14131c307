/**
 * Run-time checks of what a caller hands the public entry points: inputs, trust stores, options. TypeScript checks
 * them at compile time, but a JavaScript caller, or a server that maps a network message to the input (JSON gives
 * strings where bytes belong, `null`, a string or a number for a date), may pass anything. A wrong shape is named
 * (entry point, argument, what to pass) instead of a TypeError thrown from inside (a defect), and never read as a
 * default (a misspelt `purpose` was "either", a misspelt `backend` was `portable`). Of the value only its kind is told
 * (`a string`, `null`), never its content: it may be card data, a key or a My Number.
 *
 * @internal
 */
import { boolean, type Check, isRecord, kindOf, oneOf } from "@jpcard/core/Input"

/** An argument of the wrong shape: which one, what it must be, and what kind of value it was. */
export interface Problem {
  /** e.g. `input.checkCode`, `options.at`, `trust`. */
  readonly argument: string
  readonly expected: string
  readonly got: string
}

/** An entry point's call: its name, and the first of its arguments of the wrong shape (checked when it runs). */
export interface Call {
  readonly step: string
  readonly problem: () => Problem | undefined
}

// The kinds, the guards and the record test are the core's (`@jpcard/core/Input`), so a value is described and an
// options object recognised the same way in every package.
export { boolean, type Check, isRecord, kindOf, oneOf } from "@jpcard/core/Input"

export const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array

export const bytes: Check = { expected: "bytes (a Uint8Array; decode base64 or hex first)", is: isBytes }

export const string: Check = { expected: "a string", is: (value) => typeof value === "string" }

export const record = (expected: string): Check => ({ expected, is: isRecord })

/** The check, or `undefined` (absent). `null` is not absent: JSON's `null` where a value belongs is a wrong shape. */
export const optional = (check: Check): Check => ({
  expected: `${check.expected}, or absent`,
  is: (value) => value === undefined || check.is(value)
})

/** Each index of a dense array: `every` skips the holes of a sparse one (`[a, , b]`), which are no element at all. */
export const denseEvery = (value: unknown, is: (element: unknown) => boolean): boolean => {
  if (!Array.isArray(value)) return false
  for (let i = 0; i < value.length; i++) if (!(i in value) || !is(value[i])) return false
  return true
}

/** `value` passes `check`, or the problem naming `argument`. */
export const check = (argument: string, value: unknown, c: Check): Problem | undefined =>
  c.is(value) ? undefined : { argument, expected: c.expected, got: kindOf(value) }

/**
 * An object whose listed fields pass their checks, in order; other fields are ignored. The first problem names the
 * field (`input.checkCode`).
 */
export const fields = (
  argument: string,
  value: unknown,
  checks: Readonly<Record<string, Check>>,
  expected = "an object"
): Problem | undefined => {
  if (!isRecord(value)) return { argument, expected, got: kindOf(value) }
  // On every verification: no entries array, and the field's name is built only for a problem.
  for (const name in checks) {
    const c = checks[name]!
    const field = value[name]
    if (!c.is(field)) return { argument: `${argument}.${name}`, expected: c.expected, got: kindOf(field) }
  }
  return undefined
}

/**
 * A dense array whose every element has no problem (`element` gets the element's own name, `cvcs[2]`): a hole of a
 * sparse array (`[a, , b]`) is no element at all.
 */
export const each = (
  argument: string,
  value: unknown,
  expected: string,
  element: (argument: string, value: unknown) => Problem | undefined
): Problem | undefined => {
  if (!Array.isArray(value)) return { argument, expected, got: kindOf(value) }
  for (let i = 0; i < value.length; i++) {
    const problem = i in value ? element(`${argument}[${i}]`, value[i]) : hole(`${argument}[${i}]`, expected)
    if (problem !== undefined) return problem
  }
  return undefined
}

const hole = (argument: string, expected: string): Problem => ({
  argument,
  expected: `an element (the argument must be ${expected}, without holes)`,
  got: "a hole (an empty slot)"
})

/** A dense array whose every element passes `element`. */
export const elements = (argument: string, value: unknown, element: Check, expected: string): Problem | undefined =>
  each(argument, value, expected, (name, v) => check(name, v, element))

/** The words of an error or a report for a problem: entry point, argument, what to pass, and what to do. */
export const describe = (step: string, problem: Problem): string =>
  `${step}: ${problem.argument} must be ${problem.expected}, got ${problem.got}; fix the call`

// ---------------------------------------------------------------------------------------------------------------
// Options and trust stores

const validDate: Check = {
  expected: "a valid Date",
  is: (value) => value instanceof Date && !Number.isNaN(value.getTime())
}

const backend: Check = {
  expected: `"webcrypto", "portable" or a CryptoProvider (an object with rsaVerifyPkcs1 and ecdsaVerify functions)`,
  is: (value) =>
    value === "webcrypto" ||
    value === "portable" ||
    (isRecord(value) &&
      typeof value.rsaVerifyPkcs1 === "function" &&
      typeof value.ecdsaVerify === "function" &&
      (value.digest === undefined || typeof value.digest === "function") &&
      (value.rsaPublicRecover === undefined || typeof value.rsaPublicRecover === "function"))
}

/** The options every verification takes (`VerifyOptions`); `undefined` is the defaults. */
export const optionsProblem = (options: unknown): Problem | undefined =>
  options === undefined ? undefined : fields("options", options, optionChecks, "an object (or absent)")

const optionChecks: Readonly<Record<string, Check>> = {
  at: optional(validDate),
  backend: optional(backend),
  coveredDigests: optional(boolean)
}

/** A certificate anchor as the trust constructors build it (the chain code reads these fields). */
const isAnchor = (value: unknown): boolean =>
  isRecord(value) && isRecord(value.certificate) && isRecord(value.ref) && Array.isArray(value.generations)

export const residenceTrust: Check = {
  expected:
    "a ResidenceTrust (from Trust.residenceTrust, Trust.customResidenceTrust or TrustFs.residenceTrustFromDirectory)",
  is: (value) => isRecord(value) && value._tag === "ResidenceTrust" && denseEvery(value.anchors, isAnchor)
}

export const jpkiTrust: Check = {
  expected: "a JpkiTrust (Trust.jlisTrust() or Trust.customJpkiTrust), or absent for the J-LIS roots",
  is: (value) => isRecord(value) && value._tag === "JpkiTrust" && denseEvery(value.anchors, isAnchor)
}

const isCvcKey = (value: unknown): boolean =>
  isRecord(value) &&
  (value.issuerKeyId === undefined || typeof value.issuerKeyId === "string") &&
  typeof value.name === "string" &&
  typeof value.describes === "string" &&
  typeof value.profile === "string" &&
  isRecord(value.ref) &&
  isRecord(value.key) &&
  value.key.kind === "rsa" &&
  isBytes(value.key.n) &&
  value.key.n.length > 0 &&
  isBytes(value.key.e) &&
  typeof value.key.bits === "number"

/**
 * Trust stores `Trust.customCvcTrust` built from keys of the wrong shape, and the first of them: that constructor
 * returns a store (no Effect, so no typed error there), and the verifications refuse it, naming the key.
 */
export const refusedCvcTrusts = new WeakMap<object, Problem>()

export const cvcTrust: Check = {
  expected:
    'a CvcTrust (Trust.jlisCvcTrust("production" or "test") or Trust.customCvcTrust), or absent for the J-LIS production keys',
  is: (value) =>
    isRecord(value) &&
    value._tag === "CvcTrust" &&
    (value.profile === "production" || value.profile === "test" || value.profile === "custom") &&
    denseEvery(value.keys, isCvcKey)
}

/** The CVC trust store, or the problem of the keys `customCvcTrust` was given. */
export const cvcTrustProblem = (trust: unknown, argument = "trust"): Problem | undefined => {
  const refused = isRecord(trust) ? refusedCvcTrusts.get(trust) : undefined
  return refused !== undefined
    ? { ...refused, argument: `${argument} (Trust.customCvcTrust's ${refused.argument})` }
    : check(argument, trust, cvcTrust)
}

/**
 * A residence card of `@jpcard/core`'s model, as far as the verifiers read it: `generation` 1 or 2, and `raw` (the
 * EFs as read) an object when present. A card a server rebuilt from JSON may hold anything.
 */
export const residenceCardProblem = (card: unknown): Problem | undefined =>
  fields(
    "card",
    card,
    { generation: oneOf([1, 2], "1 or 2"), raw: optional(record("the EFs as read (an object)")) },
    "a residence card read by @jpcard/core (an object)"
  )
