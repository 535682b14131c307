/**
 * 性別 (sex), second-generation DF1/EF02 tag `C7`, one character. Source: codes.md §3 (IMPL: libjeid rc2.js,
 * eringoio `SEX_LABELS`, both citing the second-generation spec body). First-generation cards store the card face
 * as an image only (codes.md §0 rule 4).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { type Entry, makeTable } from "./CodedValue.js"

const impl = {
  provenance: "IMPL",
  inferred: false,
  ref: "codes.md §3; libjeid rc2.js SEX, eringoio SEX_LABELS"
} as const

export const entries: ReadonlyArray<Entry> = [
  { code: "1", ja: "男", en: "male", source: impl },
  { code: "2", ja: "女", en: "female", source: impl },
  // libjeid says 不詳, eringoio 未指定.
  { code: "3", ja: "不詳", en: "unspecified", aliases: ["未指定"], source: impl }
]

export const Code = Schema.Literals(["1", "2", "3"])
export type Code = typeof Code.Type

export const table = makeTable({ tag: "DF1/EF02 C7", ja: "性別", en: "sex" }, entries)
export const { field, get, decode, FromCode } = table
