/**
 * ISO/IEC 7816-4 padding (ISO/IEC 9797-1 padding method 2): append `80`, then `00` up to a multiple of the block
 * size; always at least one byte, so an aligned input gains a whole block.
 *
 * @since 0.1.0
 */

export const pad = (data: Uint8Array, blockSize: number): Uint8Array => {
  const length = (Math.floor(data.length / blockSize) + 1) * blockSize
  const out = new Uint8Array(length)
  out.set(data, 0)
  out[data.length] = 0x80
  return out
}

/**
 * Removes the padding, or returns `undefined` when it is malformed: no `80` marker, a non-zero byte after it, or
 * more than one block of padding. Callers turn `undefined` into a typed error naming their step.
 */
export const unpad = (data: Uint8Array, blockSize: number): Uint8Array | undefined => {
  if (data.length === 0 || data.length % blockSize !== 0) return undefined
  let i = data.length - 1
  while (i >= 0 && data[i] === 0x00) i--
  if (i < 0 || data[i] !== 0x80) return undefined
  if (data.length - i > blockSize) return undefined
  return data.subarray(0, i)
}
