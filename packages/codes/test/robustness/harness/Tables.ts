// Real-looking official code tables (made-up codes: the ISA table is NOT PUBLIC), rendered as CSV or JSON in the
// shapes users produce them (BOM, CRLF/LF/CR line ends, quoting, comments, column order, extra columns, Shift_JIS),
// and the outcome checks shared by the robustness properties.
import { Cause, Exit } from "effect"
import fc from "fast-check"
import * as Nationality from "../../../src/Nationality.js"
import {
  type Kind,
  maxCodeBytes,
  type OfficialEntry,
  type OfficialTable,
  OfficialTableError
} from "../../../src/OfficialTable.js"
import * as PermissionType from "../../../src/PermissionType.js"
import * as StatusOfResidence from "../../../src/StatusOfResidence.js"

/** Names of `Object.prototype` members and other keys that break a table kept in a plain object. */
export const prototypeNames = [
  "__proto__",
  "constructor",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "__defineGetter__",
  "__lookupGetter__",
  "prototype"
] as const

/** Right-padding as a chip may leave it after a value. */
export const padding = fc.array(fc.constantFrom(" ", "\u0000"), { minLength: 1, maxLength: 4 }).map((cs) => cs.join(""))

// ---------------------------------------------------------------------------------------------------------------
// Outcomes

export type Outcome =
  | { readonly _tag: "Success"; readonly table: OfficialTable }
  | { readonly _tag: "Failure"; readonly error: OfficialTableError }

/** Thrown (to fail the property) when a loader ends in anything but a table or one OfficialTableError. */
export class NotATypedOutcome extends Error {}

export const outcomeOf = (exit: Exit.Exit<OfficialTable, unknown>): Outcome => {
  if (Exit.isSuccess(exit)) return { _tag: "Success", table: exit.value }
  const reasons = exit.cause.reasons
  const reason = reasons[0]
  if (reasons.length !== 1 || reason === undefined || !Cause.isFailReason(reason))
    throw new NotATypedOutcome(`not one typed failure:\n${Cause.pretty(exit.cause)}`)
  if (!(reason.error instanceof OfficialTableError))
    throw new NotATypedOutcome(`not an OfficialTableError:\n${Cause.pretty(exit.cause)}`)
  return { _tag: "Failure", error: reason.error }
}

/** The entries without their position, for comparing tables read from different renderings. */
export const withoutAt = (entries: ReadonlyArray<OfficialEntry>) => entries.map(({ at: _, ...rest }) => rest)

/** A loaded table is whole and valid: each code fits its kind, has no padding, appears once; each name is set. */
export const assertValidTable = (table: OfficialTable): void => {
  if (table.entries.length === 0) throw new Error("an empty table was loaded")
  const seen = new Set<string>()
  for (const e of table.entries) {
    const id = `${e.kind}\u0000${e.code}`
    if (seen.has(id)) throw new Error(`duplicate ${e.kind} code ${JSON.stringify(e.code)} loaded`)
    seen.add(id)
    const bytes = new TextEncoder().encode(e.code).length
    const control = [...e.code].some((c) => c.charCodeAt(0) < 0x20 || c === "\u007f")
    if (e.code === "" || e.code.trim() !== e.code || control || bytes > maxCodeBytes[e.kind])
      throw new Error(`invalid ${e.kind} code ${JSON.stringify(e.code)} loaded`)
    if (e.ja.trim() === "" || e.ja !== e.ja.trim())
      throw new Error(`entry ${e.at} has the name ${JSON.stringify(e.ja)}`)
    if (e.en !== undefined && (e.en.trim() === "" || e.en !== e.en.trim()))
      throw new Error(`entry ${e.at} has the English name ${JSON.stringify(e.en)}`)
  }
}

/** An error says where and what: every problem has a message of bounded size, and the message lists them all. */
export const assertUsefulError = (error: OfficialTableError, format: OfficialTableError["format"]): void => {
  if (error.format !== format) throw new Error(`format ${error.format}, expected ${format}`)
  if (error.problems.length === 0) throw new Error("an error without problems")
  for (const p of error.problems) {
    if (p.message.length === 0) throw new Error("a problem without a message")
    // A cell is shown cut to 40 characters; the rest of a message is fixed text.
    if (p.message.length > 600) throw new Error(`a problem message of ${p.message.length} characters`)
    if (format === "csv" && p.line !== undefined && !(Number.isInteger(p.line) && p.line >= 1))
      throw new Error(`problem at line ${p.line}`)
  }
  if (!error.message.includes("Fix the")) throw new Error(`the message does not say what to do: ${error.message}`)
}

// ---------------------------------------------------------------------------------------------------------------
// Entries

export interface Row {
  readonly kind: Kind
  /** How the file spells the kind: `nationality`, `C8`, `NATIONALITY`… */
  readonly kindAs: string
  readonly code: string
  readonly ja: string
  readonly en?: string
  /** How the file spells the key (`PAK`, `pk`, `01_030`), and the key it resolves to. */
  readonly key?: { readonly as: string; readonly resolved: string }
}

const kindSpellings: Readonly<Record<Kind, ReadonlyArray<string>>> = {
  nationality: ["nationality", "C8", "c8", "Nationality", "NATIONALITY"],
  statusOfResidence: ["statusOfResidence", "C9", "statusofresidence", "STATUSOFRESIDENCE"],
  permissionType: ["permissionType", "CA", "ca", "PermissionType"]
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz_-".split("")

/** A code of the kind: ASCII, at most the kind's byte length; C9 codes include Object.prototype names. */
const codeOf = (kind: Kind) => {
  const plain = fc
    .array(fc.constantFrom(...alnum), { minLength: 1, maxLength: maxCodeBytes[kind] })
    .map((cs) => cs.join(""))
  const fitting = prototypeNames.filter((n) => n.length <= maxCodeBytes[kind])
  return fitting.length === 0
    ? plain
    : fc.oneof({ weight: 4, arbitrary: plain }, { weight: 1, arbitrary: fc.constantFrom(...fitting) })
}

const jaChars =
  "アイウエオカキクケコサシスセソタチツテトナニヌネノパピプペポャュョー留学永住者定住技能実習特定国籍日本人配偶者等短期滞在外交公用教授芸術宗教報道・（）ー".split(
    ""
  )

/** A Japanese name; sometimes with a comma, a quote or a line break inside (the CSV writer must quote it). */
const jaName = fc
  .tuple(
    fc.array(fc.constantFrom(...jaChars), { minLength: 1, maxLength: 12 }).map((cs) => cs.join("")),
    fc.option(fc.tuple(fc.constantFrom(",", '"', "\n", "\r\n", "\r", "、", " "), fc.constantFrom(...jaChars)), {
      freq: 4
    })
  )
  .map(([name, tail]) => (tail === null ? name : `${name}${tail[0]}${tail[1]}`))

const enName = fc
  .array(
    fc.constantFrom("Student", "Permanent", "Resident", "Pakistan", "of", "the", "Republic", "Korea,", '"Engineer"'),
    {
      minLength: 1,
      maxLength: 4
    }
  )
  .map((ws) => ws.join(" "))

/** A valid key for the kind, as a user may write it, with what it resolves to. */
const keyOf = (kind: Kind): fc.Arbitrary<{ as: string; resolved: string }> => {
  switch (kind) {
    case "statusOfResidence":
      return fc.constantFrom(...StatusOfResidence.entries.map((e) => ({ as: e.key, resolved: e.key })))
    case "permissionType":
      return fc.constantFrom(...PermissionType.entries.map((e) => ({ as: e.key, resolved: e.key })))
    case "nationality":
      return fc.constantFrom(...Nationality.entries).chain((e) => {
        const spellings: Array<{ as: string; resolved: string }> = [
          { as: e.key, resolved: Nationality.byKey(e.key)!.key }
        ]
        if (e.iso !== undefined) {
          spellings.push({
            as: e.iso.alpha3,
            resolved: Nationality.byKey(e.iso.alpha3)?.key ?? Nationality.byAlpha3(e.iso.alpha3)!.key
          })
          if (Nationality.byKey(e.iso.alpha2) === undefined && Nationality.byAlpha3(e.iso.alpha2) === undefined)
            spellings.push({ as: e.iso.alpha2.toLowerCase(), resolved: Nationality.byAlpha2(e.iso.alpha2)!.key })
        }
        return fc.constantFrom(...spellings)
      })
  }
}

export const row: fc.Arbitrary<Row> = fc
  .constantFrom<Kind>("nationality", "statusOfResidence", "permissionType")
  .chain((kind) =>
    fc.record(
      {
        kind: fc.constant(kind),
        kindAs: fc.constantFrom(...kindSpellings[kind]),
        code: codeOf(kind),
        ja: jaName,
        en: enName,
        key: keyOf(kind)
      },
      { requiredKeys: ["kind", "kindAs", "code", "ja"] }
    )
  )

/** 1–30 rows, each code once per kind. */
export const rows = fc.uniqueArray(row, { minLength: 1, maxLength: 30, selector: (r) => `${r.kind}\u0000${r.code}` })

/** The entry a row must load as (`at` aside), from a file with these columns. */
export const expectedEntry = (r: Row, columns: ReadonlyArray<Column> = columnNames): Omit<OfficialEntry, "at"> => ({
  kind: r.kind,
  code: r.code,
  ja: r.ja,
  ...(r.en === undefined || !columns.includes("en") ? {} : { en: r.en }),
  ...(r.key === undefined || !columns.includes("key") ? {} : { key: r.key.resolved })
})

// ---------------------------------------------------------------------------------------------------------------
// CSV

export const columnNames = ["kind", "code", "ja", "en", "key"] as const
export type Column = (typeof columnNames)[number] | "note"

export interface CsvStyle {
  readonly bom: boolean
  /** Line end after each physical line, cycled. */
  readonly lineEnds: ReadonlyArray<"\n" | "\r\n" | "\r">
  readonly columns: ReadonlyArray<Column>
  readonly upperHeader: boolean
  /** Quote every field, or only those that need it. */
  readonly quoteAll: boolean
  /** Comment or blank lines before each row (cycled). */
  readonly extraLines: ReadonlyArray<"" | "comment" | "blank">
  readonly finalLineEnd: boolean
}

export const csvStyle: fc.Arbitrary<CsvStyle> = fc.record({
  bom: fc.boolean(),
  lineEnds: fc.array(fc.constantFrom("\n" as const, "\r\n" as const, "\r" as const), { minLength: 1, maxLength: 4 }),
  columns: fc.subarray<Column>(["en", "key", "note"]).chain((optional) => {
    const all: Array<Column> = ["kind", "code", "ja", ...optional]
    return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length })
  }),
  upperHeader: fc.boolean(),
  quoteAll: fc.boolean(),
  extraLines: fc.array(fc.constantFrom("" as const, "comment" as const, "blank" as const), {
    minLength: 1,
    maxLength: 3
  }),
  finalLineEnd: fc.boolean()
})

export const quote = (value: string) => `"${value.replaceAll('"', '""')}"`

const needsQuotes = (value: string) => /[",\r\n]/.test(value) || value.trim() !== value || value.startsWith("#")

/** Physical lines in a piece of CSV text, counted as an editor does: LF, CRLF and a lone CR each end one. */
export const lineBreaks = (text: string) => (text.match(/\r\n|\r|\n/g) ?? []).length

const cell = (r: Row, c: Column): string => {
  switch (c) {
    case "kind":
      return r.kindAs
    case "code":
      return r.code
    case "ja":
      return r.ja
    case "en":
      return r.en ?? ""
    case "key":
      return r.key?.as ?? ""
    case "note":
      return "備考, with a comma"
  }
}

/** The CSV text of `rows` in `style`, and the line each row starts on. */
export const renderCsv = (
  table: ReadonlyArray<Row>,
  style: CsvStyle
): { readonly text: string; readonly lines: ReadonlyArray<number> } => {
  let text = style.bom ? "\uFEFF" : ""
  let ends = 0
  const endLine = () => {
    text += style.lineEnds[ends++ % style.lineEnds.length]
  }
  const record = (fields: ReadonlyArray<string>) => {
    text += fields.map((f) => (style.quoteAll || needsQuotes(f) ? quote(f) : f)).join(",")
  }
  record(style.columns.map((c) => (style.upperHeader ? c.toUpperCase() : c)))
  const lines: Array<number> = []
  table.forEach((r, i) => {
    endLine()
    const extra = style.extraLines[i % style.extraLines.length]
    if (extra === "comment") {
      text += '# コメント, with a comma and a "quote'
      endLine()
    } else if (extra === "blank") endLine()
    // Counted on the text: a CR line end followed by an LF one is one CRLF, as an editor shows it.
    lines.push(lineBreaks(text) + 1)
    record(style.columns.map((c) => cell(r, c)))
  })
  if (style.finalLineEnd) endLine()
  return { text, lines }
}

// ---------------------------------------------------------------------------------------------------------------
// JSON

export interface JsonStyle {
  readonly wrapped: boolean
  readonly nulls: boolean
  /** Adds an own `"__proto__"` and a `"constructor"` property to every entry and to the top level. */
  readonly prototypeKeys: boolean
  readonly indent: 0 | 2
}

export const jsonStyle: fc.Arbitrary<JsonStyle> = fc.record({
  wrapped: fc.boolean(),
  nulls: fc.boolean(),
  prototypeKeys: fc.boolean(),
  indent: fc.constantFrom(0 as const, 2 as const)
})

const PROTO_KEYS = '"__proto__":{"polluted":"yes","kind":"nationality"},"constructor":{"prototype":{"polluted":"yes"}},'

export const renderJson = (table: ReadonlyArray<Row>, style: JsonStyle): string => {
  const entries = table.map((r) => ({
    kind: r.kindAs,
    code: r.code,
    ja: r.ja,
    ...(r.en === undefined ? (style.nulls ? { en: null } : {}) : { en: r.en }),
    ...(r.key === undefined ? (style.nulls ? { key: null } : {}) : { key: r.key.as })
  }))
  const text = JSON.stringify(
    style.wrapped ? { source: "ISA コード対応表", version: "2026-04", entries } : entries,
    null,
    style.indent
  )
  // JSON.parse makes "__proto__" an own property; an object literal here would set the prototype instead.
  return style.prototypeKeys ? text.replace(/\{(\s*)"(kind|source)"/g, `{$1${PROTO_KEYS}"$2"`) : text
}

// ---------------------------------------------------------------------------------------------------------------
// Shift_JIS

let sjisTable: Map<string, ReadonlyArray<number>> | undefined

/** Shift_JIS bytes of `text` (built by inverting the platform's TextDecoder), or `undefined` if a character has none. */
export const encodeShiftJis = (text: string): Uint8Array | undefined => {
  if (sjisTable === undefined) {
    const table = new Map<string, ReadonlyArray<number>>()
    const decoder = new TextDecoder("shift_jis")
    for (let b = 0; b < 0x80; b++) table.set(String.fromCharCode(b), [b])
    for (const lead of [
      ...Array.from({ length: 0x1f }, (_, i) => 0x81 + i),
      ...Array.from({ length: 0x1d }, (_, i) => 0xe0 + i)
    ])
      for (let trail = 0x40; trail <= 0xfc; trail++) {
        if (trail === 0x7f) continue
        const c = decoder.decode(Uint8Array.of(lead, trail))
        if (c.length === 1 && c !== "\uFFFD" && !table.has(c)) table.set(c, [lead, trail])
      }
    sjisTable = table
  }
  const out: Array<number> = []
  for (const c of text) {
    const bytes = sjisTable.get(c)
    if (bytes === undefined) return undefined
    out.push(...bytes)
  }
  return Uint8Array.from(out)
}
