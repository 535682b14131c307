/**
 * The `CodeTables` service: lookups for the three code kinds whose tables ISA lends only to vendors (codes.md §0,
 * rule 2): 国籍・地域 (`C8`), 在留資格 (`C9`) and 許可の種類 (`CA`).
 *
 * - {@link layer} (= {@link layerPublic}) holds only public knowledge. It contains **no ISA code table**:
 *   - `C8`: codes.md §10.1 judges the code most likely an ISO 3166-1 alpha-3 code (ICAO 9303 style; eringoio maps
 *     it so after real-card testing). The public layer therefore maps 3 letters through ISO alpha-3 (plus the ICAO
 *     codes `XXA` → 無国籍, `RKS` → コソボ, and eringoio's `XXX` → 無国籍), and 3 digits through ISO numeric
 *     (eringoio's parser test uses `392`). **Every such result is marked `inferred: true`, provenance `INFERRED`.**
 *     How 朝鮮 and 台湾 are coded is unknown; `PRK` is deliberately not mapped to 朝鮮 (codes.md §10.2).
 *   - `C9`, `CA`: no public mapping is known; codes come back raw.
 * - {@link layerOfficial}, {@link layerOfficialCsv}, {@link layerOfficialJson}, {@link layerOfficialFile} serve a
 *   table a licensed user supplies (format: `OfficialTable`). Its results carry provenance `USER TABLE`.
 *
 * Whatever the layer, a lookup never fails: an unknown code comes back as `{ code }` with no label.
 *
 * @since 0.1.0
 */
import { Context, Effect, FileSystem, Layer, type PlatformError, Schema, SchemaGetter } from "effect"
import {
  type CodedValue,
  CodedValue as CodedValueSchema,
  labelled,
  raw,
  type Source,
  stripPadding
} from "./CodedValue.js"
import * as Nationality from "./Nationality.js"
import {
  type DecodeOptions,
  type Kind,
  kinds,
  type OfficialEntry,
  type OfficialTable,
  type OfficialTableError,
  parse,
  parseCsv,
  parseJson
} from "./OfficialTable.js"

/** The code kinds served: `nationality` (C8), `statusOfResidence` (C9), `permissionType` (CA). */
export type CodeKind = Kind

export interface CodeTablesShape {
  /** `public`: only the public reference lists (inferred mappings); `official`: a user-supplied table. */
  readonly origin: "public" | "official"
  /** Human-readable description of the loaded table. */
  readonly description: string
  /** Looks a code up. Never fails; an unknown code gives `{ code }`. */
  readonly lookup: (kind: CodeKind, code: string) => CodedValue
  /** 国籍・地域, DF1/EF02 `C8`. */
  readonly nationality: (code: string) => CodedValue
  /** 在留資格, DF1/EF02 `C9`. */
  readonly statusOfResidence: (code: string) => CodedValue
  /** 許可の種類, DF1/EF02 `CA`. */
  readonly permissionType: (code: string) => CodedValue
  /** The entries of the loaded user table for a kind (empty for the public layer). */
  readonly entries: (kind: CodeKind) => ReadonlyArray<OfficialEntry>
}

// ---------------------------------------------------------------------------------------------------------------
// Public knowledge

const inferredAlpha3: Source = {
  provenance: "INFERRED",
  inferred: true,
  ref: "codes.md §10.1: the C8 code is most likely an ISO 3166-1 alpha-3 code (eringoio real-card note); the ISA table is NOT PUBLIC"
}
const inferredIcao: Source = {
  provenance: "INFERRED",
  inferred: true,
  ref: "codes.md §10.5: ICAO 9303 code, relevant if C8 follows the passport MRZ; the ISA table is NOT PUBLIC"
}
const inferredXxx: Source = {
  provenance: "INFERRED",
  inferred: true,
  ref: "codes.md §10.1: eringoio maps XXX to 無国籍 (ICAO 9303: unspecified nationality); the ISA table is NOT PUBLIC"
}
const inferredNumeric: Source = {
  provenance: "INFERRED",
  inferred: true,
  ref: "codes.md §10.1: read as ISO 3166-1 numeric (eringoio's parser test uses 392); the ISA table is NOT PUBLIC"
}

const nationalityValue = (code: string, entry: Nationality.NationalityEntry, source: Source): CodedValue =>
  labelled(code, entry, source, entry.key)

/** The public, inferred reading of a `C8` code (see the module documentation). */
export const inferNationality = (code: string): CodedValue => {
  const c = stripPadding(code).trim().toUpperCase()
  if (/^[A-Z]{3}$/.test(c)) {
    if (c === "XXX") {
      const stateless = Nationality.byKey("07_000")
      if (stateless !== undefined) return nationalityValue(code, stateless, inferredXxx)
    }
    const byIso = Nationality.byAlpha3(c)
    if (byIso !== undefined) return nationalityValue(code, byIso, inferredAlpha3)
  }
  const icao = Nationality.icaoCodes.find((i) => i.code === c)
  if (icao?.key !== undefined) {
    const entry = Nationality.byKey(icao.key)
    if (entry !== undefined) return nationalityValue(code, entry, inferredIcao)
  }
  if (/^[0-9]{3}$/.test(c)) {
    const byNumeric = Nationality.byNumeric(c)
    if (byNumeric !== undefined) return nationalityValue(code, byNumeric, inferredNumeric)
  }
  return raw(code)
}

/** The public tables as a service value. */
export const makePublic = (): CodeTablesShape => {
  const lookup = (kind: CodeKind, code: string): CodedValue =>
    kind === "nationality" ? inferNationality(code) : raw(code)
  return {
    origin: "public",
    description:
      "public reference lists only (no ISA code table): nationality inferred from ISO 3166-1 alpha-3/numeric, status of residence and type of permission raw",
    lookup,
    nationality: (code) => lookup("nationality", code),
    statusOfResidence: (code) => lookup("statusOfResidence", code),
    permissionType: (code) => lookup("permissionType", code),
    entries: () => []
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A user-supplied table

export interface OfficialOptions {
  /**
   * What to do with a code the user table lacks: `"raw"` (default) returns it raw; `"public"` falls back to the
   * public, inferred mapping (each such result still says `inferred: true`).
   */
  readonly fallback?: "raw" | "public"
}

/** A user-supplied table as a service value. */
export const makeOfficial = (table: OfficialTable, options?: OfficialOptions): CodeTablesShape => {
  const description = table.description ?? "user-supplied code table"
  const source: Source = { provenance: "USER TABLE", inferred: false, ref: description }
  const maps = new Map<CodeKind, Map<string, OfficialEntry>>(kinds.map((k) => [k, new Map()]))
  for (const e of table.entries) maps.get(e.kind)?.set(e.code, e)
  const fallback = options?.fallback === "public" ? makePublic().lookup : (_: CodeKind, code: string) => raw(code)
  const lookup = (kind: CodeKind, code: string): CodedValue => {
    const map = maps.get(kind)
    const entry = map?.get(code) ?? map?.get(stripPadding(code))
    return entry === undefined ? fallback(kind, code) : labelled(code, entry, source, entry.key)
  }
  const byKind = new Map(kinds.map((k) => [k, table.entries.filter((e) => e.kind === k)]))
  return {
    origin: "official",
    description,
    lookup,
    nationality: (code) => lookup("nationality", code),
    statusOfResidence: (code) => lookup("statusOfResidence", code),
    permissionType: (code) => lookup("permissionType", code),
    entries: (kind) => byKind.get(kind) ?? []
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Service and layers

/** The service. Provide one of the layers below; `CodeTables.layer` is the public default. */
export class CodeTables extends Context.Service<CodeTables, CodeTablesShape>()("@jpcard/codes/CodeTables") {
  /** Public knowledge only; same as the module's `layer` / `layerPublic`. */
  static readonly layer: Layer.Layer<CodeTables> = Layer.sync(this, () => makePublic())
}

/** The default layer: public knowledge only (inferred nationality mapping; raw status and permission codes). */
export const layerPublic: Layer.Layer<CodeTables> = CodeTables.layer
/** Same as {@link layerPublic}. */
export const layer: Layer.Layer<CodeTables> = layerPublic

/** Serves an already validated user table. */
export const layerOfficial = (table: OfficialTable, options?: OfficialOptions): Layer.Layer<CodeTables> =>
  Layer.sync(CodeTables, () => makeOfficial(table, options))

/** Serves the table `parsed` gives. */
const layerParsed = <E, R>(parsed: Effect.Effect<OfficialTable, E, R>, options: OfficialOptions | undefined) =>
  Layer.effect(
    CodeTables,
    Effect.map(parsed, (table) => makeOfficial(table, options))
  )

/** Parses, validates and serves a CSV table (content, not a path). */
export const layerOfficialCsv = (
  content: string | Uint8Array,
  options?: OfficialOptions & DecodeOptions
): Layer.Layer<CodeTables, OfficialTableError> => layerParsed(parseCsv(content, options), options)

/** Parses, validates and serves a JSON table (content, not a path). */
export const layerOfficialJson = (
  content: string | Uint8Array,
  options?: OfficialOptions & DecodeOptions
): Layer.Layer<CodeTables, OfficialTableError> => layerParsed(parseJson(content, options), options)

/**
 * Reads a table file through Effect's platform-neutral `FileSystem` service (provide e.g. `NodeServices.layer`
 * from `@effect/platform-node`), then parses and serves it. The format comes from `options.format`, else from the
 * extension (`.csv`, `.json`). No Node built-ins are imported here.
 */
export const layerOfficialFile = (
  path: string,
  options?: OfficialOptions & DecodeOptions & { readonly format?: "csv" | "json" }
): Layer.Layer<CodeTables, OfficialTableError | PlatformError.PlatformError, FileSystem.FileSystem> =>
  layerParsed(
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const bytes = yield* fs.readFile(path)
      const format = options?.format ?? (/\.json$/i.test(path) ? "json" : "csv")
      return yield* parse(bytes, format, options)
    }),
    options
  )

// ---------------------------------------------------------------------------------------------------------------
// Schemas that decode through the service

const fromService = (kind: CodeKind) =>
  Schema.String.pipe(
    Schema.decodeTo(CodedValueSchema, {
      decode: SchemaGetter.transformEffect((code: string) => CodeTables.useSync((t) => t.lookup(kind, code))),
      encode: SchemaGetter.transform((value: CodedValue) => value.code)
    })
  )

/** Schema: raw `C8` → `CodedValue`, through the `CodeTables` service in the decoding context. Never fails on a string. */
export const NationalityFromCode = fromService("nationality")
/** Schema: raw `C9` → `CodedValue`, through the `CodeTables` service. */
export const StatusOfResidenceFromCode = fromService("statusOfResidence")
/** Schema: raw `CA` → `CodedValue`, through the `CodeTables` service. */
export const PermissionTypeFromCode = fromService("permissionType")

/** Effectful lookups, for use in `Effect.gen`. */
export const nationality = (code: string) => CodeTables.useSync((t) => t.nationality(code))
export const statusOfResidence = (code: string) => CodeTables.useSync((t) => t.statusOfResidence(code))
export const permissionType = (code: string) => CodeTables.useSync((t) => t.permissionType(code))
