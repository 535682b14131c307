/**
 * 資格外活動許可 (permission to engage in activity other than that permitted under the status of residence).
 *
 * Second generation, 在留カード only, DF2/EF01 (codes.md §5.1; IMPL: libjeid rc2.js, eringoio):
 * - `D5` 包括許可 (comprehensive permission): `0` / `1` / `2` (max length 7, one character written)
 * - `D6` 包括許可の期限: `YYYYMMDD` (not a code; not decoded here)
 * - `D7` 個別許可 (individual permission): `0` / `1`
 *
 * The Japanese labels follow libjeid; eringoio's wording is kept in `aliases`. English labels are INFERRED.
 *
 * First-generation cards store free text instead (DF2/EF02 `D5`, DF2/EF03 `D6`, SPEC1 §3.3.4.6–7, p. 11); see
 * {@link firstGenerationWordings}.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { type Entry, makeTable } from "./CodedValue.js"

const impl = {
  provenance: "IMPL",
  inferred: false,
  en: "INFERRED",
  ref: "codes.md §5.1; libjeid rc2.js, eringoio"
} as const

/** 包括許可 (`D5`). */
export const comprehensiveEntries: ReadonlyArray<Entry> = [
  { code: "0", ja: "無し", en: "none", aliases: ["なし"], source: impl },
  {
    code: "1",
    ja: "許可(週28時間以内・風俗営業不可)",
    en: "permitted (up to 28 hours a week, no adult entertainment business)",
    aliases: ["許可あり（原則週28時間以内・風俗営業等不可）"],
    source: impl
  },
  {
    code: "2",
    ja: "許可(週28時間以内・教育等の活動)",
    en: "permitted (up to 28 hours a week, education etc.)",
    aliases: ["許可あり（教育等に係る資格外活動）"],
    source: impl
  }
]

/** 個別許可 (`D7`). */
export const individualEntries: ReadonlyArray<Entry> = [
  { code: "0", ja: "無し", en: "none", aliases: ["なし"], source: impl },
  { code: "1", ja: "有り", en: "granted", aliases: ["あり"], source: impl }
]

export const ComprehensiveCode = Schema.Literals(["0", "1", "2"])
export type ComprehensiveCode = typeof ComprehensiveCode.Type
export const IndividualCode = Schema.Literals(["0", "1"])
export type IndividualCode = typeof IndividualCode.Type

export const comprehensive = makeTable(
  {
    tag: "DF2/EF01 D5",
    ja: "資格外活動許可（包括許可）",
    en: "comprehensive permission for activities outside the status"
  },
  comprehensiveEntries
)
export const individual = makeTable(
  {
    tag: "DF2/EF01 D7",
    ja: "資格外活動許可（個別許可）",
    en: "individual permission for activities outside the status"
  },
  individualEntries
)

export const decodeComprehensive = comprehensive.decode
export const decodeIndividual = individual.decode
/** Schema: raw `D5` → `CodedValue`; unknown codes stay raw. */
export const ComprehensiveFromCode = comprehensive.FromCode
/** Schema: raw `D7` → `CodedValue`; unknown codes stay raw. */
export const IndividualFromCode = individual.FromCode

/**
 * Phrases printed on first-generation cards (free text, not codes). Third party: visa.jics.pro (codes.md §5.2).
 * An EF that is all zero means the permission was rewritten to 「無」.
 */
export const firstGenerationWordings: ReadonlyArray<{
  readonly text: string
  readonly kind: "comprehensive" | "individual"
  readonly source: Entry["source"]
}> = [
  {
    text: "許可（原則週28時間以内・風俗営業等の従事を除く）",
    kind: "comprehensive",
    source: { provenance: "THIRD PARTY", inferred: false, ref: "codes.md §5.2; visa.jics.pro" }
  },
  {
    text: "許可（資格外活動許可書に記載された範囲内の活動）",
    kind: "individual",
    source: { provenance: "INFERRED", inferred: true, ref: "codes.md §5.2: probably the 個別許可 wording" }
  }
]
