/**
 * The state card-number authentication leaves behind: the cipher suite and the session key KSenc. The key is held in
 * a private field, so it shows neither in `JSON.stringify` nor in `console.log`.
 *
 * @since 0.1.0
 */
import type { CipherSuite } from "./CipherSuite.js"

export class SecureSession {
  readonly #key: Uint8Array
  constructor(
    readonly suite: CipherSuite,
    sessionKey: Uint8Array
  ) {
    this.#key = Uint8Array.from(sessionKey)
  }
  encrypt(data: Uint8Array): Uint8Array {
    return this.suite.encrypt(this.#key, data)
  }
  decrypt(data: Uint8Array): Uint8Array {
    return this.suite.decrypt(this.#key, data)
  }
  toString(): string {
    return `SecureSession(${this.suite.name}, <key redacted>)`
  }
  toJSON(): string {
    return this.toString()
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString()
  }
}
