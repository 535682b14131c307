/**
 * 就労制限の有無 (work restriction), second-generation DF1/EF02 tag `CC`, one character, 在留カード only.
 * Source: codes.md §4 (IMPL: libjeid rc2.js and eringoio list only `1`, `2`, `4`, `9`, citing 第二世代在留カード等仕様書
 * v1.1 §3.3.4.4 / §3.3.4.7–3.3.4.9). The card prints no English for this field: the English labels are INFERRED.
 *
 * Do not derive the work restriction from the status of residence (codes.md §0 rule 3, §8.3).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { type Entry, makeTable } from "./CodedValue.js"

const impl = {
  provenance: "IMPL",
  inferred: false,
  en: "INFERRED",
  ref: "codes.md §4; libjeid rc2.js, eringoio"
} as const

export const entries: ReadonlyArray<Entry> = [
  { code: "1", ja: "就労制限なし", en: "No work restrictions", source: impl },
  {
    code: "2",
    ja: "在留資格に基づく就労活動のみ可",
    en: "Work permitted only within the activities of the status of residence",
    source: impl
  },
  {
    code: "4",
    ja: "指定書により指定された就労活動のみ可",
    en: "Only work designated in the designation (指定書) is permitted",
    source: impl
  },
  { code: "9", ja: "就労不可", en: "Work not permitted", source: impl }
]

/**
 * Wording printed on first-generation cards for 技能実習 (third party: inagawayobouhoumu.net, visayamabiko.com).
 * No second-generation code for it is known (NOT FOUND): a card that uses one decodes to its raw code.
 */
export const firstGenerationTechnicalInternWording = "指定書記載機関での在留資格に基づく就労活動のみ可"

export const Code = Schema.Literals(["1", "2", "4", "9"])
export type Code = typeof Code.Type

export const table = makeTable({ tag: "DF1/EF02 CC", ja: "就労制限の有無", en: "work restriction" }, entries)
export const { field, get, decode, FromCode } = table
