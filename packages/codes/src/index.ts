/**
 * @jpcard/codes: code tables of the Japanese residence card (在留カード) and special permanent resident
 * certificate (特別永住者証明書). Data and rules: shared/reference/codes.md. Browser-safe (no Node built-ins).
 *
 * @since 0.1.0
 */
export * as ApplicationStatus from "./ApplicationStatus.js"
export * as CardType from "./CardType.js"
export * as CodedValue from "./CodedValue.js"
export * as CodeTables from "./CodeTables.js"
export * as CommissionerRecord from "./CommissionerRecord.js"
export * as Nationality from "./Nationality.js"
export * as OfficialTable from "./OfficialTable.js"
export * as Permission from "./Permission.js"
export * as PermissionType from "./PermissionType.js"
export * as ResidencePeriod from "./ResidencePeriod.js"
export * as Sex from "./Sex.js"
export * as StatusOfResidence from "./StatusOfResidence.js"
export * as WorkRestriction from "./WorkRestriction.js"
