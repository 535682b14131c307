/**
 * The decoded form of every coded card field, provenance labels, and the small table machinery that the concept
 * modules (`Sex`, `CardType`, …) are built from.
 *
 * Rule 1 of codes.md §0: decoding never fails on an unknown code. A coded field always keeps its raw string; the
 * label is optional.
 *
 * @since 0.1.0
 */
import { Schema, SchemaTransformation } from "effect"

/**
 * Where a piece of data comes from (codes.md, "Provenance labels"), plus two labels this package adds:
 *
 * - `OFFICIAL`: text published by a Japanese authority (law, ordinance, ISA page or form, ISA online system)
 * - `OFFICIAL (via copy)`: official text read through a third-party copy
 * - `SPEC1`: 在留カード等仕様書（一般公開用）Ver 1.5
 * - `IMPL`: what public implementations of the second-generation spec do (libjeid samples, eringoio/zairyu-card-reader)
 * - `THIRD PARTY`: only a third party (blog, law office page, newspaper) says it
 * - `INFERRED`: deduced; plausible, not confirmed
 * - `NOT PUBLIC`: the value table exists but ISA gives it only to vendors
 * - `NOT FOUND`: no public source known
 * - `USER TABLE`: loaded from a code table supplied by the user (see `OfficialTable`); this package cannot check it
 */
export const Provenance = Schema.Literals([
  "OFFICIAL",
  "OFFICIAL (via copy)",
  "SPEC1",
  "IMPL",
  "THIRD PARTY",
  "INFERRED",
  "NOT PUBLIC",
  "NOT FOUND",
  "USER TABLE"
])
export type Provenance = typeof Provenance.Type

/**
 * Provenance of one entry or one decoded value.
 *
 * - `provenance`: where the code → meaning mapping (and the Japanese label) comes from.
 * - `inferred`: `true` when the mapping itself is deduced rather than documented. Always `true` when `provenance`
 *   is `INFERRED`; also `true` for, e.g., the guess that the card's nationality code is an ISO alpha-3 code.
 * - `en`: where the English label comes from, when that differs from `provenance` (often `INFERRED`: the card
 *   prints no English for most fields).
 * - `ref`: a short citation (codes.md section and the source it names).
 */
export const Source = Schema.Struct({
  provenance: Provenance,
  inferred: Schema.Boolean,
  en: Schema.optionalKey(Provenance),
  ref: Schema.optionalKey(Schema.String)
})
export type Source = typeof Source.Type

/** A bilingual label. Japanese is always present; English only when some source (or an inference) gives one. */
export const Label = Schema.Struct({
  ja: Schema.String,
  en: Schema.optionalKey(Schema.String)
})
export type Label = typeof Label.Type

/**
 * A decoded coded field: the raw code as read from the chip, and, when the code is known, its label, the
 * label's provenance and (for the ISA code kinds) the `key` of the matching entry in this package's public
 * reference tables (`StatusOfResidence.entries`, `Nationality.entries`, `PermissionType.entries`).
 */
export const CodedValue = Schema.Struct({
  code: Schema.String,
  label: Schema.optionalKey(Label),
  source: Schema.optionalKey(Source),
  key: Schema.optionalKey(Schema.String)
})
export type CodedValue = typeof CodedValue.Type

/**
 * Removes right-padding (spaces and NUL bytes) from a chip value. Lookups and the period parser ignore such
 * padding (eringoio strips both); decoded values keep the raw code.
 */
export const stripPadding = (value: string): string => {
  let end = value.length
  while (end > 0 && (value[end - 1] === " " || value[end - 1] === "\u0000")) end--
  return value.slice(0, end)
}

/** A value with a raw code only: what every unknown code decodes to. */
export const raw = (code: string): CodedValue => ({ code })

/** `true` when the value carries a label, i.e. its code was found in some table. */
export const isKnown = (value: CodedValue): value is CodedValue & { readonly label: Label } => value.label !== undefined

/** Which card field a table belongs to: its TLV tag(s) and its name. */
export interface Field {
  /** TLV tag(s) with the elementary file, e.g. `"DF1/EF02 C7"`. */
  readonly tag: string
  readonly ja: string
  readonly en: string
}

/** One row of a closed code table. */
export interface Entry {
  readonly code: string
  readonly ja: string
  readonly en?: string
  /** Other Japanese wordings of the same value seen in the sources (e.g. eringoio vs libjeid). */
  readonly aliases?: ReadonlyArray<string>
  readonly source: Source
}

/** A closed code table with lookups. Unknown codes decode to `{ code }` and never fail. */
export interface Table<E extends Entry> {
  readonly field: Field
  readonly entries: ReadonlyArray<E>
  /** The entry for a code (right-padding ignored), or `undefined`. */
  readonly get: (code: string) => E | undefined
  /** `{ code, label, source }` for a known code (right-padding ignored; `code` stays raw), `{ code }` for an unknown one. */
  readonly decode: (code: string) => CodedValue
  /**
   * Schema: string (the raw code) → `CodedValue`. Decoding never fails for a string input; encoding gives the
   * raw code back.
   */
  readonly FromCode: Schema.decodeTo<typeof CodedValue, Schema.String>
}

/** The decoded value of `code`: labelled with an entry's names, the mapping's `source` and the entry's `key`. */
export const labelled = (
  code: string,
  names: { readonly ja: string; readonly en?: string | undefined },
  source: Source,
  key?: string
): CodedValue => ({
  code,
  label: names.en === undefined ? { ja: names.ja } : { ja: names.ja, en: names.en },
  source,
  ...(key === undefined ? {} : { key })
})

/** Turns an entry into the decoded value of its code. */
export const fromEntry = (entry: Entry, key?: string): CodedValue => labelled(entry.code, entry, entry.source, key)

/**
 * Schema string → `CodedValue` through a lookup function. The lookup must return `{ code }` (never throw) for
 * an unknown code.
 */
export const fromCodeWith = (lookup: (code: string) => CodedValue): Schema.decodeTo<typeof CodedValue, Schema.String> =>
  Schema.String.pipe(
    Schema.decodeTo(
      CodedValue,
      SchemaTransformation.transform<CodedValue, string>({
        decode: lookup,
        encode: (value) => value.code
      })
    )
  )

/** Builds a closed table. Throws on a duplicate code: tables are literals in this package, checked by the tests. */
export const makeTable = <const E extends Entry>(field: Field, entries: ReadonlyArray<E>): Table<E> => {
  const byCode = new Map<string, E>()
  for (const entry of entries) {
    if (byCode.has(entry.code)) throw new Error(`duplicate code ${entry.code} in the ${field.en} table`)
    byCode.set(entry.code, entry)
  }
  // Right-padding is ignored as `stripPadding` promises (and as `CodeTables` lookups do): a chip value "1\u0000"
  // or "1 " is code 1. The decoded value still keeps the raw code. (The `typeof` keeps a JavaScript caller's
  // non-string an unknown code, as before, rather than a TypeError from `stripPadding`.)
  const get = (code: string) =>
    byCode.get(code) ?? (typeof code === "string" ? byCode.get(stripPadding(code)) : undefined)
  const decode = (code: string): CodedValue => {
    const entry = get(code)
    return entry === undefined ? raw(code) : labelled(code, entry, entry.source)
  }
  return { field, entries, get, decode, FromCode: fromCodeWith(decode) }
}
