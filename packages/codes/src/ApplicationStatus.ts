/**
 * 在留期間更新等許可申請 (application for extension of period of stay or change of status pending), codes.md §6:
 * - first generation: DF2/EF04 tag `D7` (SPEC1 §3.3.4.8, p. 12)
 * - second generation: DF2/EF02 tag `D8`, 在留カード only (IMPL)
 *
 * Both use `0` 無し / `1` 申請中. English labels are INFERRED.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { type Entry, makeTable } from "./CodedValue.js"

const impl = { provenance: "IMPL", inferred: false, en: "INFERRED", ref: "codes.md §6; libjeid, eringoio" } as const
const spec1 = {
  provenance: "SPEC1",
  inferred: false,
  en: "INFERRED",
  ref: "codes.md §6; SPEC1 §3.3.4.8, p. 12"
} as const

/** Second generation (`D8`). */
export const entries: ReadonlyArray<Entry> = [
  { code: "0", ja: "無し", en: "none", aliases: ["なし"], source: impl },
  { code: "1", ja: "申請中", en: "application pending", source: impl }
]

/** First generation (`D7`). */
export const firstGenerationEntries: ReadonlyArray<Entry> = [
  { code: "0", ja: "無し", en: "none", source: spec1 },
  { code: "1", ja: "申請中", en: "application pending", source: spec1 }
]

export const Code = Schema.Literals(["0", "1"])
export type Code = typeof Code.Type

export const table = makeTable(
  { tag: "DF2/EF02 D8", ja: "在留期間更新等許可申請", en: "application for extension or change pending" },
  entries
)
export const firstGeneration = makeTable(
  { tag: "DF2/EF04 D7", ja: "在留期間更新等許可申請", en: "application for extension or change pending" },
  firstGenerationEntries
)
export const { field, get, decode, FromCode } = table
export const decodeFirstGeneration = firstGeneration.decode
export const FirstGenerationFromCode = firstGeneration.FromCode
