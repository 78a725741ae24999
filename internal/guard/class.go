package guard

// Class names the kind of sensitive value a detector found.
type Class string

// Built-in classes. The first seven are critical: dropped by default.
const (
	Password         Class = "password"
	PaymentCard      Class = "payment_card"
	NationalID       Class = "national_id"
	BankAccount      Class = "bank_account"
	SecretToken      Class = "secret_token"
	PrivateKey       Class = "private_key"
	CredentialsInURL Class = "credentials_in_url"
	// FormValue is what a user typed or chose in a form control
	// (input, select, textarea, contenteditable) as captured by autotrack.
	// It is critical: the 2017 Autotrack leak came through exactly there.
	FormValue Class = "form_value"
	Email     Class = "email"
	Phone     Class = "phone"
	// AnomalousValue is a secret-shaped value unlike anything its property
	// path held before. The guard does not detect it: the value-shape
	// profiles after it do (internal/valueshape); the class is here so that
	// a policy can set its action (default keep, recorded).
	AnomalousValue Class = "anomalous_value"
)

// builtinClasses lists every built-in class in a stable order.
var builtinClasses = []Class{Password, PaymentCard, NationalID, BankAccount, SecretToken, PrivateKey, CredentialsInURL, FormValue, Email, Phone, AnomalousValue}

// Classes returns the built-in classes.
func Classes() []Class { return append([]Class(nil), builtinClasses...) }

// Critical reports whether c is a critical class: one whose values are dropped
// unless the policy says otherwise. Custom-rule classes are critical too;
// only email and phone (PII kept by default, but recorded) and
// anomalous_value (a guess from a path's history) are not.
func Critical(c Class) bool {
	switch c {
	case Email, Phone, AnomalousValue:
		return false
	case "":
		return false
	}
	return true
}

func builtin(c Class) bool {
	for _, b := range builtinClasses {
		if b == c {
			return true
		}
	}
	return false
}

// Action is what the guard does with a detected value.
type Action string

const (
	// DropProperty removes the property (or array element) holding the value.
	DropProperty Action = "drop_property"
	// Redact replaces only the sensitive part with "[redacted]" (for example
	// one query parameter of a URL) and keeps the rest.
	Redact Action = "redact"
	// Hash replaces the sensitive part with a keyed HMAC-SHA256 of it, stable
	// within a project so that joins still work.
	Hash Action = "hash"
	// DropEvent discards the whole event or profile update.
	DropEvent Action = "drop_event"
	// Keep leaves the value and records a finding.
	Keep Action = "keep"
	// Allow is never configured per class: it is recorded when a detection
	// falls under an allowlisted path, which the guard leaves as it is.
	Allow Action = "allow"
)

func validAction(a Action) bool {
	switch a {
	case DropProperty, Redact, Hash, DropEvent, Keep:
		return true
	}
	return false
}

// rank orders actions by how much they remove.
func (a Action) rank() int {
	switch a {
	case Allow:
		return 0
	case Keep:
		return 1
	case Hash:
		return 2
	case Redact:
		return 3
	case DropProperty:
		return 4
	case DropEvent:
		return 5
	}
	return 4
}

// defaultAction is the action for a class the policy does not mention.
func defaultAction(c Class) Action {
	if Critical(c) {
		return DropProperty
	}
	return Keep
}
