// The workspace packages in build order (each after the packages it imports).
export const packages = ["core", "codes", "sim", "verify", "transport-pcsc", "transport-webnfc", "cli"]
