/**
 * 出入国在留管理庁長官が記載した旨 (entry recorded by the Commissioner of the Immigration Services Agency),
 * second-generation tag `D9`: DF2/EF03 on 在留カード (05), DF2/EF01 on 特別永住者証明書 (06). codes.md §6 (IMPL).
 * libjeid renders `1` as 出入国在留管理庁長官が記録, eringoio as 記録あり. English labels are INFERRED.
 *
 * The neighbouring tag `DE` (予備, reserved, max 200 bytes UTF-8) is free text and not decoded here.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { type Entry, makeTable } from "./CodedValue.js"

const impl = { provenance: "IMPL", inferred: false, en: "INFERRED", ref: "codes.md §6; libjeid, eringoio" } as const

export const entries: ReadonlyArray<Entry> = [
  { code: "0", ja: "無し", en: "none", aliases: ["なし"], source: impl },
  {
    code: "1",
    ja: "記録あり",
    en: "entry recorded by the Commissioner",
    aliases: ["出入国在留管理庁長官が記録"],
    source: impl
  }
]

export const Code = Schema.Literals(["0", "1"])
export type Code = typeof Code.Type

export const table = makeTable(
  { tag: "DF2/EF03 D9", ja: "出入国在留管理庁長官が記載した旨", en: "entry recorded by the Commissioner" },
  entries
)
export const { field, get, decode, FromCode } = table
