/** The version `jpcard --version` prints and saved reads record. */
export const version = "0.1.0"
