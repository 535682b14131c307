/**
 * SHA-1 and SHA-256 from @noble/hashes: synchronous (key derivation sits inside synchronous protocol steps), audited,
 * no dependencies, runs in browsers.
 *
 * @since 0.1.0
 */
import { sha1 as nobleSha1 } from "@noble/hashes/legacy.js"
import { sha256 as nobleSha256, sha384 as nobleSha384 } from "@noble/hashes/sha2.js"

export const sha1 = (data: Uint8Array): Uint8Array => nobleSha1(data)
export const sha256 = (data: Uint8Array): Uint8Array => nobleSha256(data)
export const sha384 = (data: Uint8Array): Uint8Array => nobleSha384(data)
