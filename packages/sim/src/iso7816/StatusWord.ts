/**
 * The status words a simulated card answers with (ISO/IEC 7816-4; 在留カード等仕様書 Ver 1.5 表4-5, p. 20).
 *
 * @since 0.1.0
 */

export const OK = 0x9000
/** 照合不一致: MUTUAL AUTHENTICATE or VERIFY mismatch. */
export const VERIFICATION_FAILED = 0x6300
/** Lc or Le wrong; APDU length wrong. */
export const WRONG_LENGTH = 0x6700
/** Logical channel not supported. */
export const LOGICAL_CHANNEL_NOT_SUPPORTED = 0x6881
/** Secure messaging indicated by CLA not supported (for this command). */
export const SM_NOT_SUPPORTED = 0x6882
/** Security status not satisfied. */
export const SECURITY_STATUS_NOT_SATISFIED = 0x6982
/** Conditions of use not satisfied. */
export const CONDITIONS_NOT_SATISFIED = 0x6985
/** No current EF. */
export const NO_CURRENT_EF = 0x6986
/** SM data objects incorrect (tag, length, value or order). */
export const SM_DATA_OBJECTS_INCORRECT = 0x6988
/** File (or the EF named by a short EF identifier) not found. */
export const FILE_NOT_FOUND = 0x6a82
/** Wrong P1-P2. */
export const WRONG_P1_P2 = 0x6a86
/** Offset outside the EF. */
export const OFFSET_OUTSIDE_EF = 0x6b00
/** INS not supported. */
export const INS_NOT_SUPPORTED = 0x6d00
/** CLA not supported. */
export const CLA_NOT_SUPPORTED = 0x6e00
/**
 * No precise diagnosis (ISO/IEC 7816-4); 自己診断異常 in 表4-5. A simulated card answers it when its scripted
 * `randoms` do not fit a draw.
 */
export const NO_PRECISE_DIAGNOSIS = 0x6f00
