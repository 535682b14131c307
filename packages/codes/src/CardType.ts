/**
 * カード種別 (card type), MF/EF02 tag `C1`: `"1"`, `"2"` (first generation, one byte) and `"05"`–`"08"`
 * (second generation and specified cards, two bytes). Source: codes.md §1 (SPEC1 §3.3.4.2, p. 10; IMPL for
 * 05–08). The card prints no English for this field, so the English labels are INFERRED.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { type Entry, makeTable } from "./CodedValue.js"

/** Card generation: `1`, `2`, or a specified card (residence application on a My Number card chip). */
export type Generation = 1 | 2 | "specified"

/** Which document the card is. */
export type Document = "residence-card" | "special-permanent-resident-certificate"

export interface CardTypeEntry extends Entry {
  readonly en: string
  readonly generation: Generation
  readonly document: Document
  /** The whole content of MF/EF02 in hex, e.g. `"C1 02 30 35"`. */
  readonly bytes: string
}

const spec1 = {
  provenance: "SPEC1",
  inferred: false,
  en: "INFERRED",
  ref: "codes.md §1; SPEC1 §3.3.4.2, p. 10"
} as const
const impl = { provenance: "IMPL", inferred: false, en: "INFERRED", ref: "codes.md §1; libjeid, eringoio" } as const

export const entries: ReadonlyArray<CardTypeEntry> = [
  {
    code: "1",
    ja: "在留カード",
    en: "residence card",
    generation: 1,
    document: "residence-card",
    bytes: "C1 01 31",
    source: spec1
  },
  {
    code: "2",
    ja: "特別永住者証明書",
    en: "special permanent resident certificate",
    generation: 1,
    document: "special-permanent-resident-certificate",
    bytes: "C1 01 32",
    source: spec1
  },
  {
    code: "05",
    ja: "第２世代在留カード",
    en: "second-generation residence card",
    generation: 2,
    document: "residence-card",
    bytes: "C1 02 30 35",
    source: impl
  },
  {
    code: "06",
    ja: "第２世代特別永住者証明書",
    en: "second-generation special permanent resident certificate",
    generation: 2,
    document: "special-permanent-resident-certificate",
    bytes: "C1 02 30 36",
    source: impl
  },
  {
    code: "07",
    ja: "特定在留カード",
    en: "specified residence card (My Number card with residence application)",
    generation: "specified",
    document: "residence-card",
    bytes: "C1 02 30 37",
    source: impl
  },
  {
    code: "08",
    ja: "特定特別永住者証明書",
    en: "specified special permanent resident certificate",
    generation: "specified",
    document: "special-permanent-resident-certificate",
    bytes: "C1 02 30 38",
    source: impl
  }
]

/** The known codes. A card may still carry another one: decode with {@link FromCode}, which keeps it raw. */
export const Code = Schema.Literals(["1", "2", "05", "06", "07", "08"])
export type Code = typeof Code.Type

export const table = makeTable({ tag: "MF/EF02 C1", ja: "カード種別", en: "card type" }, entries)
export const { field, get, decode, FromCode } = table
