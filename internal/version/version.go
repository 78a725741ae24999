// Package version holds Sieve's version string. It imports nothing.
package version

// Version is set at build time with -ldflags "-X .../internal/version.Version=..."; the default names a development build.
var Version = "0.1.0-dev"
