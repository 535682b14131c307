/**
 * ATRs of contactless cards as a PC/SC reader synthesises them (PC/SC Part 3 §3.1.3.2.3). A contactless card has no
 * ATR of its own; readers and drivers build one from the activation data.
 *
 * @since 0.1.0
 */

/**
 * ISO/IEC 14443 Type B: `3B 88 80 01 ‖ application data (4) ‖ protocol info (3) ‖ MBLI (1) ‖ TCK`. TCK is the
 * exclusive-or of the bytes from T0 to the last historical byte.
 */
export const typeB = (applicationData: Uint8Array, protocolInfo: Uint8Array, mbli = 0): Uint8Array => {
  if (applicationData.length !== 4) throw new RangeError("Type B application data is 4 bytes")
  if (protocolInfo.length !== 3) throw new RangeError("Type B protocol info is 3 bytes")
  const atr = Uint8Array.of(0x3b, 0x88, 0x80, 0x01, ...applicationData, ...protocolInfo, (mbli & 0x0f) << 4, 0x00)
  let tck = 0
  for (let i = 1; i < atr.length - 1; i++) tck ^= atr[i]!
  atr[atr.length - 1] = tck
  return atr
}
