/**
 * Loading a code table that a licensed user supplies: ISA's correspondence table for 国籍・地域 (`C8`), 在留資格
 * (`C9`) and 許可の種類 (`CA`), which ISA lends only to vendors (codes.md §0: NOT PUBLIC). This package ships none
 * of these codes; it defines the file format, validates a file, and `CodeTables.layerOfficial*` serves it.
 *
 * Browser-safe: takes the file **content** (a string, or bytes decoded with `TextDecoder`), never a path.
 * `CodeTables.layerOfficialFile` reads a path through Effect's platform-neutral `FileSystem` service.
 *
 * ## CSV format
 *
 * - UTF-8 (a BOM is allowed). For Shift_JIS, pass the bytes and `{ encoding: "shift_jis" }`.
 * - RFC 4180 quoting: a field containing `,`, `"` or a line break is wrapped in `"…"`, with `""` for a quote.
 *   Unquoted fields are trimmed; a quoted field is kept as written (a quoted code with surrounding spaces is
 *   refused, as in JSON).
 * - The first record is a header naming the columns, in any order, case-insensitive:
 *   `kind`, `code`, `ja` (required), `en`, `key` (optional). Other columns (e.g. `note`) are ignored.
 * - Empty lines and lines starting with `#` are skipped.
 * - `kind`: `nationality` (or `C8`), `statusOfResidence` (or `C9`), `permissionType` (or `CA`).
 * - `code`: the code exactly as the chip stores it: at most 3 bytes (C8), 10 (C9), 2 (CA); no surrounding spaces.
 * - `ja`: the Japanese name (required). `en`: an English name (optional).
 * - `key` (optional): the matching entry of this package's public reference tables, which links a code to
 *   e.g. the allowed periods of stay: a `StatusOfResidence` key (`student`), a `PermissionType` key
 *   (`change_of_status`), or for nationality an ISA statistics code (`01_030`) or ISO alpha-2/alpha-3 (`PAK`).
 *
 * ```csv
 * kind,code,ja,en,key
 * nationality,PAK,パキスタン,Pakistan,01_030
 * statusOfResidence,T410010000,留学,Student,student
 * permissionType,01,在留資格変更許可,,change_of_status
 * ```
 *
 * ## JSON format
 *
 * Either an array of entries or `{ "source"?: string, "version"?: string, "entries": [...] }`; each entry is
 * `{ "kind", "code", "ja", "en"?, "key"? }` with the same rules (`null` counts as absent for `en` and `key`).
 *
 * A malformed file fails with {@link OfficialTableError}, listing every problem with its line (CSV) or path (JSON).
 * A code that appears twice for the same kind is a problem.
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema, SchemaGetter, SchemaIssue } from "effect"
import * as Nationality from "./Nationality.js"
import * as PermissionType from "./PermissionType.js"
import * as StatusOfResidence from "./StatusOfResidence.js"

/** The three code kinds ISA keeps private. */
export const Kind = Schema.Literals(["nationality", "statusOfResidence", "permissionType"])
export type Kind = typeof Kind.Type

/** All kinds, in tag order. */
export const kinds: ReadonlyArray<Kind> = ["nationality", "statusOfResidence", "permissionType"]

/** The DF1/EF02 tag of each kind (codes.md §2). */
export const tags: Readonly<Record<Kind, string>> = { nationality: "C8", statusOfResidence: "C9", permissionType: "CA" }

/** Maximum value length in bytes on the chip (codes.md §2). */
export const maxCodeBytes: Readonly<Record<Kind, number>> = { nationality: 3, statusOfResidence: 10, permissionType: 2 }

const kindAliases: Readonly<Record<string, Kind>> = {
  nationality: "nationality",
  c8: "nationality",
  statusofresidence: "statusOfResidence",
  c9: "statusOfResidence",
  permissiontype: "permissionType",
  ca: "permissionType"
}

/**
 * A cell value as a problem message shows it: quoted, and cut after 40 characters. A file is untrusted and may put
 * megabytes in one cell (a missing closing quote, a binary file read as CSV); repeating it whole would make every
 * message, log line and dialog that shows the error that big.
 */
const cut = (value: string): string => (value.length > 40 ? `${value.slice(0, 40)}…` : value)
const shown = (value: string): string => JSON.stringify(cut(value))

/** The header's cells for a message, as written: at most 10, each cut like {@link shown}. */
const shownHeader = (fields: ReadonlyArray<string>): string =>
  [...fields.slice(0, 10).map(cut), ...(fields.length > 10 ? [`… (${fields.length} columns)`] : [])].join(", ")

const KIND_HINT = "use nationality (or C8), statusOfResidence (or C9) or permissionType (or CA)"

/** A validated entry of a user-supplied table. */
export interface OfficialEntry {
  readonly kind: Kind
  readonly code: string
  readonly ja: string
  readonly en?: string
  /** The key of the matching public entry (normalised: a nationality given as `PAK` becomes `01_030`). */
  readonly key?: string
  /** Where the entry was defined: `line 4` (CSV) or `entries[2]` (JSON). */
  readonly at?: string
}

/** A validated user-supplied table. */
export interface OfficialTable {
  readonly entries: ReadonlyArray<OfficialEntry>
  /** Free text from the JSON `source` / `version` fields, for display (e.g. "ISA コード対応表 2026-04"). */
  readonly description?: string
}

/** One problem in a file. */
export const Problem = Schema.Struct({
  line: Schema.optionalKey(Schema.Int),
  path: Schema.optionalKey(Schema.String),
  message: Schema.String
})
export type Problem = typeof Problem.Type

const formatHint = {
  csv: 'Expected format: a header line "kind,code,ja,en,key", then one entry per line.',
  json: 'Expected format: [{ "kind", "code", "ja", "en"?, "key"? }, ...] or { "entries": [...] }.',
  entries: "Expected entries: { kind, code, ja, en?, key? }."
} as const

/** A user-supplied table could not be loaded. `problems` lists every problem found, in file order. */
/** How many problems an `OfficialTableError` message lists. */
const MAX_LISTED_PROBLEMS = 20

export class OfficialTableError extends Schema.TaggedError<OfficialTableError>()("OfficialTableError", {
  format: Schema.Literals(["csv", "json", "entries"]),
  problems: Schema.Array(Problem)
}) {
  override get message(): string {
    const where = (p: Problem) =>
      p.line !== undefined ? `line ${p.line}: ` : p.path !== undefined && p.path !== "" ? `${p.path}: ` : ""
    const n = this.problems.length
    // The message lists the first problems only: a broken file can have a problem on each of 200 000 lines, and the
    // message goes to logs and dialogs. Every problem stays in `problems`.
    const listed = this.problems.slice(0, MAX_LISTED_PROBLEMS)
    return [
      `official code table (${this.format.toUpperCase()}) is invalid: ${n} problem${n === 1 ? "" : "s"}`,
      ...listed.map((p) => `  ${where(p)}${p.message}`),
      ...(n > listed.length ? [`  … and ${n - listed.length} more (all of them are in the error's \`problems\`)`] : []),
      `Fix the ${this.format === "entries" ? "entries" : "file"} and load again. ${formatHint[this.format]} See the @jpcard/codes README, "Official code table".`
    ].join("\n")
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Entry schema (shared by CSV and JSON)

const KindField = Schema.String.pipe(
  Schema.decodeTo(Kind, {
    decode: SchemaGetter.transformEffect((s: string) => {
      const alias = s.trim().toLowerCase()
      const kind = Object.hasOwn(kindAliases, alias) ? kindAliases[alias] : undefined
      return kind === undefined
        ? Effect.fail(new SchemaIssue.InvalidValue({ message: `unknown kind ${shown(s)}; ${KIND_HINT}` }, s))
        : Effect.succeed(kind)
    }),
    encode: SchemaGetter.transform((k: Kind) => k)
  })
)

const CodeField = Schema.String.check(
  Schema.makeFilter((s: string) => {
    if (s.length === 0) return "the code is empty"
    if (s.trim() !== s) return `the code ${shown(s)} has leading or trailing spaces`
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    if (/[\u0000-\u001f\u007f]/.test(s)) return `the code ${shown(s)} contains a control character`
    return true
  })
)

const NameField = Schema.String.check(
  Schema.makeFilter((s: string) => (s.trim().length === 0 ? "the Japanese name (ja) is empty" : true))
)

const OptionalText = Schema.optionalKey(Schema.NullOr(Schema.String))

const byteLength = (s: string) => new TextEncoder().encode(s).length

const resolveKey = (kind: Kind, key: string): string | undefined => {
  switch (kind) {
    case "statusOfResidence":
      return StatusOfResidence.byKey(key)?.key
    case "permissionType":
      return PermissionType.byKey(key)?.key
    case "nationality": {
      const k = key.toUpperCase()
      return (Nationality.byKey(key) ?? Nationality.byAlpha3(k) ?? Nationality.byAlpha2(k))?.key
    }
  }
}

const keyHint: Readonly<Record<Kind, string>> = {
  statusOfResidence: "a StatusOfResidence key such as student or permanent_resident",
  permissionType: "a PermissionType key such as change_of_status",
  nationality: "an ISA statistics code such as 01_030, or an ISO alpha-3/alpha-2 code such as PAK"
}

/** Schema of one entry as it appears in a file (before duplicate detection). */
export const EntryInput = Schema.Struct({
  kind: KindField,
  code: CodeField,
  ja: NameField,
  en: OptionalText,
  key: OptionalText
}).check(
  Schema.makeFilter((e) => {
    const issues: Array<{ readonly path: ReadonlyArray<PropertyKey>; readonly issue: string }> = []
    const max = maxCodeBytes[e.kind]
    const bytes = byteLength(e.code)
    if (bytes > max) {
      issues.push({
        path: ["code"],
        issue: `the code ${shown(e.code)} is ${bytes} bytes; a ${e.kind} code (${tags[e.kind]}) has at most ${max}`
      })
    }
    if (
      e.key !== undefined &&
      e.key !== null &&
      e.key.trim() !== "" &&
      resolveKey(e.kind, e.key.trim()) === undefined
    ) {
      issues.push({ path: ["key"], issue: `unknown ${e.kind} key ${shown(e.key)}; use ${keyHint[e.kind]}` })
    }
    return issues.length === 0 ? true : issues
  })
)
export type EntryInput = typeof EntryInput.Encoded

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** Validates one entry; gives either the entry or its problems (paths relative to the entry). */
const validateEntry = (
  input: unknown
):
  | { readonly ok: OfficialEntry }
  | { readonly problems: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } => {
  const result = Schema.decodeUnknownResult(EntryInput)(input, { errors: "all" })
  if (Result.isSuccess(result)) {
    const e = result.success
    const en = e.en?.trim()
    const key = e.key?.trim()
    const resolved = key === undefined || key === "" ? undefined : resolveKey(e.kind, key)
    return {
      ok: {
        kind: e.kind,
        code: e.code,
        ja: e.ja.trim(),
        ...(en === undefined || en === "" ? {} : { en }),
        ...(resolved === undefined ? {} : { key: resolved })
      }
    }
  }
  const issues = formatter(result.failure.issue).issues
  return {
    problems: issues.map((i) => ({
      path: (i.path ?? []).map((p) => (typeof p === "object" && p !== null && "key" in p ? p.key : p) as PropertyKey),
      message: i.message
    }))
  }
}

/** Adds duplicate detection and the empty-table check to a list of validated entries. */
const finish = (
  format: OfficialTableError["format"],
  entries: ReadonlyArray<OfficialEntry>,
  problems: Array<Problem>,
  problemAt: (at: string) => Omit<Problem, "message">,
  description: string | undefined
): Effect.Effect<OfficialTable, OfficialTableError> => {
  const seen = new Map<string, OfficialEntry>()
  for (const e of entries) {
    const id = `${e.kind}\u0000${e.code}`
    const first = seen.get(id)
    if (first !== undefined) {
      problems.push({
        ...problemAt(e.at ?? ""),
        message: `duplicate ${e.kind} code ${JSON.stringify(e.code)} (first defined at ${first.at ?? "an earlier entry"})`
      })
    } else {
      seen.set(id, e)
    }
  }
  if (problems.length === 0 && entries.length === 0) {
    problems.push({ message: "the table has no entries" })
  }
  if (problems.length > 0) {
    // File order: by line (CSV) or by entry index (JSON); Array.prototype.sort is stable.
    const position = (p: Problem) => p.line ?? Number(/\[(\d+)\]/.exec(p.path ?? "")?.[1] ?? 0)
    problems.sort((a, b) => position(a) - position(b))
    return Effect.fail(new OfficialTableError({ format, problems }))
  }
  return Effect.succeed(description === undefined ? { entries } : { entries, description })
}

/** Options for reading file content given as bytes. */
export interface DecodeOptions {
  /** Text encoding of byte input, as understood by `TextDecoder` (default `"utf-8"`; e.g. `"shift_jis"`). */
  readonly encoding?: string
}

const toText = (
  format: OfficialTableError["format"],
  content: string | Uint8Array,
  options: DecodeOptions | undefined
): Effect.Effect<string, OfficialTableError> => {
  if (typeof content === "string") return Effect.succeed(content.replace(/^\uFEFF/, ""))
  const encoding = options?.encoding ?? "utf-8"
  return Effect.try({
    try: () => new TextDecoder(encoding, { fatal: true }).decode(content).replace(/^\uFEFF/, ""),
    catch: (e) =>
      new OfficialTableError({
        format,
        problems: [
          {
            message:
              e instanceof RangeError
                ? `unsupported text encoding ${shown(encoding)}`
                : `the file is not valid ${cut(encoding)} text; save it as UTF-8, or pass { encoding: "shift_jis" } if it is Shift_JIS`
          }
        ]
      })
  })
}

// ---------------------------------------------------------------------------------------------------------------
// CSV

interface CsvRecord {
  readonly line: number
  readonly fields: ReadonlyArray<string>
}

/** RFC 4180 records with the line each starts on. Skips empty lines and `#` comments. */
const readCsv = (text: string): { records: Array<CsvRecord>; problems: Array<Problem> } => {
  const records: Array<CsvRecord> = []
  const problems: Array<Problem> = []
  let i = 0
  let line = 1
  const n = text.length
  const atLineEnd = () => i >= n || text[i] === "\n" || text[i] === "\r"
  const skipLineEnd = () => {
    if (text[i] === "\r") i++
    if (text[i] === "\n") i++
    line++
  }
  while (i < n) {
    const start = line
    // Empty line or comment.
    if (text[i] === "\n" || text[i] === "\r") {
      skipLineEnd()
      continue
    }
    if (text[i] === "#") {
      while (!atLineEnd()) i++
      if (i < n) skipLineEnd()
      continue
    }
    const fields: Array<string> = []
    let broken = false
    for (;;) {
      let value = ""
      // A quoted field is kept exactly as written (RFC 4180): trimming it would silently turn a code written
      // " PA" into "PA", which the JSON loader rejects. Unquoted fields are trimmed.
      let quoted = false
      if (text[i] === '"') {
        quoted = true
        i++
        let closed = false
        while (i < n) {
          const c = text[i]!
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"'
              i += 2
              continue
            }
            i++
            closed = true
            break
          }
          // A line break inside quotes: LF, CRLF (counted at its LF) or a lone CR, which `skipLineEnd` also takes
          // as a line end, so that the lines after it are numbered as an editor shows them.
          if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) line++
          value += c
          i++
        }
        if (!closed) {
          problems.push({ line: start, message: "a quoted field is never closed: add the closing double quote" })
          return { records, problems }
        }
        if (!atLineEnd() && text[i] !== ",") {
          problems.push({
            line,
            message: `unexpected ${JSON.stringify(text[i])} after a closing quote; inside a quoted field write a quote as ""`
          })
          broken = true
          while (!atLineEnd()) i++
        }
      } else {
        while (!atLineEnd() && text[i] !== ",") {
          if (text[i] === '"') {
            problems.push({
              line,
              message: 'a double quote inside an unquoted field: quote the whole field ("…") and double the quote ("")'
            })
            broken = true
          }
          value += text[i]
          i++
        }
      }
      fields.push(quoted ? value : value.trim())
      if (text[i] === ",") {
        i++
        continue
      }
      break
    }
    if (i < n) skipLineEnd()
    if (!broken) records.push({ line: start, fields })
  }
  return { records, problems }
}

const REQUIRED_COLUMNS = ["kind", "code", "ja"] as const
const KNOWN_COLUMNS = new Set(["kind", "code", "ja", "en", "key"])

/**
 * Parses and validates a CSV table (format in the module documentation). Fails with an {@link OfficialTableError}
 * whose problems carry the line numbers.
 */
export const parseCsv = (
  content: string | Uint8Array,
  options?: DecodeOptions
): Effect.Effect<OfficialTable, OfficialTableError> =>
  Effect.flatMap(toText("csv", content, options), (text) => {
    const { records: read, problems } = readCsv(text)
    // A row of empty cells (`,,,`) is a blank row of the spreadsheet the file was saved from, like an empty line.
    const records = read.filter((record) => record.fields.some((field) => field.trim() !== ""))
    const [header, ...rows] = records
    if (header === undefined) {
      if (problems.length === 0)
        problems.push({ message: 'the file is empty: it needs a header line "kind,code,ja,en,key" and entries' })
      return Effect.fail(new OfficialTableError({ format: "csv", problems }))
    }
    const columns = header.fields.map((f) => f.trim().toLowerCase())
    const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c))
    const repeated = columns.filter((c, idx) => c !== "" && KNOWN_COLUMNS.has(c) && columns.indexOf(c) !== idx)
    if (missing.length > 0 || repeated.length > 0) {
      problems.push({
        line: header.line,
        message:
          (missing.length > 0
            ? `the header must name the columns kind, code and ja (missing: ${missing.join(", ")}; found: ${shownHeader(header.fields)})`
            : `the header names a column twice: ${[...new Set(repeated)].join(", ")}`) +
          '. The first line must be a header such as "kind,code,ja,en,key"'
      })
      return Effect.fail(new OfficialTableError({ format: "csv", problems }))
    }
    const entries: Array<OfficialEntry> = []
    for (const row of rows) {
      if (row.fields.length > columns.length) {
        problems.push({
          line: row.line,
          message: `${row.fields.length} fields but the header has ${columns.length} (${shownHeader(header.fields)}); quote fields that contain a comma`
        })
        continue
      }
      const input: Record<string, string> = {}
      columns.forEach((c, idx) => {
        const v = row.fields[idx]
        if (KNOWN_COLUMNS.has(c) && v !== undefined && (v !== "" || c === "kind" || c === "code" || c === "ja"))
          input[c] = v
      })
      for (const c of REQUIRED_COLUMNS) if (input[c] === undefined) input[c] = ""
      const r = validateEntry(input)
      if ("ok" in r) {
        entries.push({ ...r.ok, at: `line ${row.line}` })
      } else {
        for (const p of r.problems) {
          const column = p.path[0]
          problems.push({
            line: row.line,
            message: column === undefined ? p.message : `column ${String(column)}: ${p.message}`
          })
        }
      }
    }
    return finish("csv", entries, problems, (at) => ({ line: Number(at.replace("line ", "")) }), undefined)
  })

// ---------------------------------------------------------------------------------------------------------------
// JSON and in-memory entries

const formatPath = (base: string, path: ReadonlyArray<PropertyKey>) =>
  path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : `${acc}.${String(p)}`), base)

const fromUnknownEntries = (
  format: OfficialTableError["format"],
  base: string,
  items: ReadonlyArray<unknown>,
  description: string | undefined
): Effect.Effect<OfficialTable, OfficialTableError> => {
  const problems: Array<Problem> = []
  const entries: Array<OfficialEntry> = []
  // An index loop, not `forEach`: a hole in a sparse array (`[, entry]` from code) is a missing entry to report,
  // not one to skip.
  for (let idx = 0; idx < items.length; idx++) {
    const at = `${base}[${idx}]`
    const r = validateEntry(items[idx])
    if ("ok" in r) entries.push({ ...r.ok, at })
    else for (const p of r.problems) problems.push({ path: formatPath(at, p.path), message: p.message })
  }
  return finish(format, entries, problems, (at) => ({ path: at }), description)
}

/**
 * Parses and validates a JSON table (format in the module documentation). Fails with an {@link OfficialTableError}
 * whose problems carry the path of each bad entry (e.g. `entries[3].kind`).
 */
export const parseJson = (
  content: string | Uint8Array,
  options?: DecodeOptions
): Effect.Effect<OfficialTable, OfficialTableError> =>
  Effect.flatMap(toText("json", content, options), (text) => {
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch (e) {
      return Effect.fail(
        new OfficialTableError({
          format: "json",
          problems: [{ path: "", message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` }]
        })
      )
    }
    if (Array.isArray(data)) return fromUnknownEntries("json", "", data, undefined)
    if (typeof data === "object" && data !== null && Array.isArray((data as { entries?: unknown }).entries)) {
      const o = data as { entries: ReadonlyArray<unknown>; source?: unknown; version?: unknown }
      const description = [o.source, o.version].filter((x): x is string => typeof x === "string" && x !== "").join(" ")
      return fromUnknownEntries("json", "entries", o.entries, description === "" ? undefined : description)
    }
    return Effect.fail(
      new OfficialTableError({
        format: "json",
        problems: [
          { path: "", message: 'the top level must be an array of entries or an object with an "entries" array' }
        ]
      })
    )
  })

/** Validates entries built in code (same rules as the files; problems carry paths such as `[2].code`). */
export const fromEntries = (
  entries: ReadonlyArray<EntryInput>,
  description?: string
): Effect.Effect<OfficialTable, OfficialTableError> =>
  // A JavaScript caller may pass anything: a non-array is an OfficialTableError, not a TypeError from the loop.
  Array.isArray(entries)
    ? fromUnknownEntries("entries", "", entries, description)
    : Effect.fail(
        new OfficialTableError({
          format: "entries",
          problems: [
            { path: "", message: `the entries must be an array, got ${entries === null ? "null" : typeof entries}` }
          ]
        })
      )

/** Chooses the parser by format. */
export const parse = (
  content: string | Uint8Array,
  format: "csv" | "json",
  options?: DecodeOptions
): Effect.Effect<OfficialTable, OfficialTableError> =>
  format === "csv" ? parseCsv(content, options) : parseJson(content, options)
