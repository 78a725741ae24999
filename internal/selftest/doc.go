// Package selftest is Sieve's continuous self-test: on a schedule it sends
// synthetic canary events (a password field, a card number, an autotrack
// chain with a typed value, a token in a URL — each unique and
// high-entropy) through the server's own HTTP ingestion path into a
// reserved internal project, then proves that each canary was acted on (a
// finding recorded) and that its bytes are in none of the files the run's
// writes touched under the data directory, nor in the log; a control value
// the guard keeps must be found there (the search can see) and must be
// gone after the run's purge of the reserved project.
//
// The server supplies the seams (Config): how to send, read findings and
// purge. selftest imports event and atomicfile only; it must not import ingest, api,
// server, store or purge.
package selftest
