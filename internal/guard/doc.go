// Package guard finds sensitive values in decoded events and profile updates
// and discards, redacts or hashes them in memory, before anything is written.
//
// A Guard holds the built-in detectors; Compile binds it to one project's
// Policy (actions per class, allowlisted paths, custom rules), token and hash
// key, giving a Checker that the ingest path calls for every event
// (Checker.Event) and every profile update (Checker.Profile). The checker
// edits the fastjson tree in place and returns findings: metadata about what
// it did (path, class, detector, action), never a value nor a hash of one.
//
// Detection is a hand-written single pass per value: a byte-class table
// decides which validators to run (Luhn and IIN ranges, national-ID check
// digits, IBAN mod-97, vendor secret prefixes, JWT header decoding, PEM
// markers, URL query and userinfo parsing, nested JSON, form and base64
// bodies, autotrack element rules), and key names are classified by a
// multilingual dictionary. The only regular expressions are a project's own
// custom rules, run behind their keyword prefilter.
//
// Nothing in this package logs, and no error it returns contains a value.
// guard imports only the standard library, fastjson, internal/event and
// internal/jsontext; it must not import store, ingest, api, server or any
// other Sieve package.
package guard
