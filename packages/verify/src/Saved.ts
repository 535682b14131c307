/**
 * Verifying a saved read: the raw files of one card application, as bytes or as JSON text (hex or base64 strings).
 * This is the seam for `jpcard verify FILE`: the CLI maps its file to a `SavedRead` (or hands the JSON form below to
 * `decode`) and gets a report.
 *
 * JSON form: `{ "kind": "residence-gen1", "encoding": "base64", "files": { "frontImage": "…", … } }`, with `kind`
 * one of `residence-gen1` (files `frontImage`, `faceImage`, `signature`), `residence-gen2` (`printedEntries`,
 * `nameAndFace`, `signature`), `mynumber-kenhojo` (`ef0001`?, `ef0002`?, `ef0003`, `ef0004`, `ef0007`?) and
 * `mynumber-kenkaku` (`ef0001`?, `ef0002`?, `ef0004`, `ef0005`?); `encoding` is `base64` (default) or `hex`.
 *
 * @since 0.1.0
 */
import type { ResidenceCard } from "@jpcard/core"
import { Effect } from "effect"
import { VerifyInputError } from "./Errors.js"
import * as Args from "./internal/args.js"
import { fromBase64, fromHex, toBase64 } from "./internal/bytes.js"
import type { VerifyOptions } from "./internal/run.js"
import * as MyNumber from "./MyNumber.js"
import type * as Report from "./Report.js"
import * as Residence from "./Residence.js"
import { type CvcTrust, jlisCvcTrust, type ResidenceTrust } from "./Trust.js"

export type SavedRead =
  | { readonly kind: "residence-gen1"; readonly files: Residence.Gen1Files }
  | { readonly kind: "residence-gen2"; readonly files: Residence.Gen2Files }
  | { readonly kind: "mynumber-kenhojo"; readonly files: MyNumber.KenhojoFiles }
  | { readonly kind: "mynumber-kenkaku"; readonly files: MyNumber.KenkakuFiles }

export type SavedKind = SavedRead["kind"]

const fileNames: Record<
  SavedKind,
  { readonly required: ReadonlyArray<string>; readonly optional: ReadonlyArray<string> }
> = {
  "residence-gen1": { required: ["frontImage", "faceImage", "signature"], optional: [] },
  "residence-gen2": { required: ["printedEntries", "nameAndFace", "signature"], optional: [] },
  "mynumber-kenhojo": { required: ["ef0003", "ef0004"], optional: ["ef0001", "ef0002", "ef0007"] },
  "mynumber-kenkaku": { required: ["ef0004"], optional: ["ef0001", "ef0002", "ef0005"] }
}

/** The trust each kind of read is checked against. */
export interface Trusts {
  /** For residence cards. Without it, residence reads report `unknown-issuer` (no anchor supplied). */
  readonly residence?: ResidenceTrust
  /** For the My Number card's CVCs (default: the J-LIS production keys). */
  readonly cvc?: CvcTrust
}

const noResidenceAnchors: ResidenceTrust = { _tag: "ResidenceTrust", profile: "production", anchors: [], skipped: [] }

const isKind = (kind: unknown): kind is SavedKind =>
  // An own key only: `kind in fileNames` also took "toString", "constructor" or "__proto__" (inherited), and reading
  // their file lists then threw inside the Effect (a defect instead of `WrongCardType`).
  typeof kind === "string" && Object.hasOwn(fileNames, kind)

/**
 * A value of the wrong `kind` or `encoding`, for an error message: quoted when it looks like a name, else only its
 * type. The input is untrusted: `JSON.stringify` of it threw (a BigInt, a cycle: a defect), and echoed whatever the
 * value held (a My Number or a file put in the wrong field, or megabytes of text) into the error.
 */
const described = (value: unknown): string =>
  typeof value === "string"
    ? value.length <= 32 && /^[a-z]+(-[a-z0-9]+){0,3}$/.test(value)
      ? JSON.stringify(value)
      : `(a string of ${value.length} characters)`
    : value === null
      ? "null"
      : Array.isArray(value)
        ? "(an array)"
        : `(${typeof value})`

const savedKind: Args.Check = { expected: `one of ${Object.keys(fileNames).join(", ")}`, is: isKind }

const invalid = (step: string, problem: Args.Problem) =>
  new VerifyInputError({ reason: "InvalidArgument", detail: Args.describe(step, problem) })

const unknownKind = (kind: unknown) =>
  new VerifyInputError({ reason: "WrongCardType", detail: `unknown kind ${described(kind)} of saved read` })

/**
 * Decodes the JSON form of a saved read (parsed JSON or text). With `expect`, a read of another kind is a
 * `WrongCardType` error.
 */
export const decode = (
  json: unknown,
  options: { readonly expect?: SavedKind } = {}
): Effect.Effect<SavedRead, VerifyInputError> =>
  Effect.suspend(() => {
    const fail = (detail: string) => Effect.fail(new VerifyInputError({ reason: "MissingFile", detail }))
    // The caller's options, not the saved read: `null` threw, and an unknown `expect` was echoed in a WrongCardType.
    const problem =
      options === undefined
        ? undefined
        : Args.fields("options", options, { expect: Args.optional(savedKind) }, "an object (or absent)")
    if (problem !== undefined) return Effect.fail(invalid("Saved.decode", problem))
    let value = json
    if (typeof value === "string") {
      try {
        value = JSON.parse(value)
      } catch {
        return fail("the saved read is not JSON")
      }
    }
    if (typeof value !== "object" || value === null) return fail("the saved read is not a JSON object")
    const { kind, encoding = "base64", files } = value as { kind?: unknown; encoding?: unknown; files?: unknown }
    if (!isKind(kind)) return Effect.fail(unknownKind(kind))
    if (options.expect !== undefined && kind !== options.expect)
      return Effect.fail(
        new VerifyInputError({ reason: "WrongCardType", detail: `a ${kind} read, but ${options.expect} was asked for` })
      )
    if (encoding !== "base64" && encoding !== "hex") return fail(`unknown encoding ${described(encoding)}`)
    if (typeof files !== "object" || files === null) return fail("the saved read has no files")
    const names = fileNames[kind]
    const out: Record<string, Uint8Array> = {}
    for (const name of [...names.required, ...names.optional]) {
      const text = (files as Record<string, unknown>)[name]
      if (text === undefined || text === null) {
        if (names.required.includes(name)) return fail(`${kind}: the file ${name} is missing`)
        continue
      }
      if (typeof text !== "string") return fail(`${kind}: the file ${name} is not a string`)
      const bytes = encoding === "hex" ? fromHex(text) : fromBase64(text)
      if (bytes === undefined) return fail(`${kind}: the file ${name} is not ${encoding}`)
      out[name] = bytes
    }
    return Effect.succeed({ kind, files: out } as unknown as SavedRead)
  })

/** The JSON form of a saved read, as {@link encode} writes it and {@link decode} reads it. */
export interface SavedJson {
  readonly kind: SavedKind
  readonly encoding: "base64"
  readonly files: Readonly<Record<string, string>>
}

/**
 * The JSON form of a saved read (base64), for sending what a phone or a kiosk read to the server that verifies it:
 * `JSON.stringify(yield* Saved.encode(read))` there, `Saved.decode` and `Saved.verify` here. Only the files the kind's
 * verification reads are written, so nothing else the card holds travels with it (a residence card's address, a
 * kenhojo read's files beyond EF0001–EF0004 and EF0007). A kenhojo read's EF0001 is the My Number, and its EF0003
 * holds its digest: treat the JSON as holding the My Number. Fails with `VerifyInputError` as `decode` would: an
 * unknown kind, a required file missing, a file that is not bytes.
 */
export const encode = (read: SavedRead): Effect.Effect<SavedJson, VerifyInputError> =>
  Effect.suspend(() => {
    const { kind, files } = (Args.isRecord(read) ? read : {}) as { kind?: unknown; files?: unknown }
    if (!isKind(kind)) return Effect.fail(unknownKind(kind))
    const names = fileNames[kind]
    const problem = Args.fields(
      "read.files",
      files,
      Object.fromEntries(
        [...names.required, ...names.optional].map((name) => [
          name,
          names.required.includes(name) ? Args.bytes : Args.optional(Args.bytes)
        ])
      ),
      "an object with the files of the read"
    )
    if (problem !== undefined)
      return Effect.fail(
        Args.isRecord(files) && problem.got === "undefined"
          ? new VerifyInputError({
              reason: "MissingFile",
              detail: `${kind}: the file ${problem.argument.slice("read.files.".length)} is missing`
            })
          : invalid("Saved.encode", problem)
      )
    const out: Record<string, string> = {}
    for (const name of [...names.required, ...names.optional]) {
      const bytes = (files as Record<string, Uint8Array | undefined>)[name]
      if (bytes !== undefined) out[name] = toBase64(bytes)
    }
    return Effect.succeed({ kind, encoding: "base64", files: out })
  })

/**
 * The saved read of a residence card read by `@jpcard/core` (its raw EFs): `residence-gen1` or `residence-gen2`.
 * Fails with `MissingFile` when a file the verification needs was not read (e.g. a read with `files` that left out
 * the signature), and with `InvalidArgument` for what is not such a card.
 */
export const fromResidenceCard = (card: ResidenceCard.ResidenceCard): Effect.Effect<SavedRead, VerifyInputError> =>
  Effect.suspend(() => {
    const problem = Args.residenceCardProblem(card)
    if (problem !== undefined) return Effect.fail(invalid("Saved.fromResidenceCard", problem))
    const kind: SavedKind = card.generation === 1 ? "residence-gen1" : "residence-gen2"
    const raw: Record<string, unknown> = card.raw ?? {}
    const files: Record<string, unknown> = {}
    for (const name of fileNames[kind].required) {
      const bytes = raw[name]
      if (bytes === undefined)
        return Effect.fail(
          new VerifyInputError({
            reason: "MissingFile",
            detail: `${kind}: the file ${name} was not read (read the card with it to verify it)`
          })
        )
      if (!Args.isBytes(bytes))
        return Effect.fail(
          invalid("Saved.fromResidenceCard", {
            argument: `card.raw.${name}`,
            expected: "bytes",
            got: Args.kindOf(bytes)
          })
        )
      files[name] = bytes
    }
    return Effect.succeed({ kind, files } as unknown as SavedRead)
  })

/** Verifies a saved read against the trust for its kind. */
export const verify = (
  read: SavedRead,
  trusts: Trusts = {},
  options: VerifyOptions = {}
): Effect.Effect<Report.Report, VerifyInputError> => {
  // A read built by hand (not by `decode`) is untrusted too: the same typed errors as `decode`, never `undefined`
  // (a kind the switch does not know) or a defect (no files to read).
  const { kind, files } = (typeof read === "object" && read !== null ? read : {}) as { kind?: unknown; files?: unknown }
  if (!isKind(kind)) return Effect.fail(unknownKind(kind))
  if (typeof files !== "object" || files === null)
    return Effect.fail(new VerifyInputError({ reason: "MissingFile", detail: "the saved read has no files" }))
  // `trusts.residence` of a JavaScript caller's `null` threw while the Effect was being built, and a `null` store was
  // read as none given. Saved.verify fails for its arguments (it has an error channel), as `decode` does.
  const problem =
    (trusts === undefined
      ? undefined
      : Args.fields(
          "trusts",
          trusts,
          { residence: Args.optional(Args.residenceTrust), cvc: Args.optional(Args.cvcTrust) },
          "an object { residence?, cvc? } (or absent)"
        )) ??
    (Args.isRecord(trusts) && trusts.cvc !== undefined ? Args.cvcTrustProblem(trusts.cvc, "trusts.cvc") : undefined) ??
    Args.optionsProblem(options)
  if (problem !== undefined) return Effect.fail(invalid("Saved.verify", problem))
  switch (read.kind) {
    case "residence-gen1":
      return Effect.flatMap(Residence.fromGen1Files(read.files), (input) =>
        Residence.verifyGen1(input, trusts.residence ?? noResidenceAnchors, options)
      )
    case "residence-gen2":
      return Effect.flatMap(Residence.fromGen2Files(read.files), (input) =>
        Residence.verifyGen2(input, trusts.residence ?? noResidenceAnchors, options)
      )
    case "mynumber-kenhojo":
      return MyNumber.verifyKenhojo(read.files, trusts.cvc ?? jlisCvcTrust(), options)
    case "mynumber-kenkaku":
      return MyNumber.verifyKenkaku(read.files, trusts.cvc ?? jlisCvcTrust(), options)
  }
}
