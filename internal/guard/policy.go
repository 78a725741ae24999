package guard

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Policy is a project's guard configuration. It is stored as JSON by the
// project registry and served by GET|PUT /api/projects/{id}/guard.
type Policy struct {
	// Actions maps a class to its action. A missing class gets the default:
	// drop_property for critical classes, keep (recorded) for email and phone.
	Actions map[Class]Action `json:"actions,omitempty"`
	// Allow lists property paths (Finding.Path syntax, '*' matches any run of
	// characters, dots and "[]" included) that the guard leaves as they are.
	// A detection there is still recorded, with action "allow".
	Allow []string `json:"allow,omitempty"`
	// Rules are the project's own detectors.
	Rules []Rule `json:"rules,omitempty"`
}

// Rule is a custom detector: when one of Keywords occurs (ASCII
// case-insensitively) in a property's key or value, Pattern (RE2 syntax) is
// run on the value, and each match is a detection of Class.
type Rule struct {
	Name     string   `json:"name"`
	Class    Class    `json:"class"`
	Keywords []string `json:"keywords"`
	Pattern  string   `json:"pattern"`
	// Action is optional; it overrides Policy.Actions for this rule's class.
	Action Action `json:"action,omitempty"`
}

// Limits on a policy, so that a policy cannot make the guard slow.
const (
	MaxRules         = 64
	MaxAllow         = 256
	MaxKeywords      = 32
	maxPatternLen    = 1024
	maxKeywordLen    = 64
	minKeywordLen    = 2
	maxRuleNameLen   = 64
	maxClassLen      = 48
	maxAllowPatLen   = 256
	redactedMarker   = "[redacted]"
	hashMarkerPrefix = "hash:"
)

// ErrPolicy is wrapped by every error Validate returns.
var ErrPolicy = errors.New("guard policy")

// DefaultPolicy returns the policy a new project starts with: every critical
// class dropped property by property, email and phone kept and recorded.
func DefaultPolicy() Policy {
	return Policy{Actions: map[Class]Action{}}
}

func policyErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrPolicy}, args...)...)
}

// Validate checks the policy and says what is wrong in words a person
// understands. Errors never quote a pattern or keyword (a rule may be
// written around a literal secret).
func (p Policy) Validate() error {
	ruleClasses := map[Class]bool{}
	if len(p.Rules) > MaxRules {
		return policyErr("at most %d custom rules are allowed, got %d", MaxRules, len(p.Rules))
	}
	for i, r := range p.Rules {
		n := i + 1
		if strings.TrimSpace(r.Name) == "" {
			return policyErr("rule %d has no name", n)
		}
		if len(r.Name) > maxRuleNameLen {
			return policyErr("rule %d: the name is longer than %d bytes", n, maxRuleNameLen)
		}
		if err := checkClassName(r.Class); err != nil {
			return policyErr("rule %d: %v", n, err)
		}
		if r.Pattern == "" {
			return policyErr("rule %d has no pattern", n)
		}
		if len(r.Pattern) > maxPatternLen {
			return policyErr("rule %d: the pattern is longer than %d bytes", n, maxPatternLen)
		}
		if _, err := regexp.Compile(r.Pattern); err != nil {
			return policyErr("rule %d: the pattern is not valid RE2 syntax", n)
		}
		if len(r.Keywords) == 0 {
			return policyErr("rule %d needs at least one keyword (a word that must occur in the key or value before the pattern runs)", n)
		}
		if len(r.Keywords) > MaxKeywords {
			return policyErr("rule %d: at most %d keywords are allowed", n, MaxKeywords)
		}
		for j, k := range r.Keywords {
			if len(strings.TrimSpace(k)) < minKeywordLen || len(k) > maxKeywordLen {
				return policyErr("rule %d: keyword %d must be %d to %d bytes long", n, j+1, minKeywordLen, maxKeywordLen)
			}
		}
		if r.Action != "" && !validAction(r.Action) {
			return policyErr("rule %d: unknown action; use one of %s", n, actionList)
		}
		ruleClasses[r.Class] = true
	}
	classes := make([]string, 0, len(p.Actions))
	for c := range p.Actions {
		classes = append(classes, string(c))
	}
	sort.Strings(classes)
	for _, c := range classes {
		a := p.Actions[Class(c)]
		if !builtin(Class(c)) && !ruleClasses[Class(c)] {
			return policyErr("actions: a class (%d bytes long) is neither built in nor the class of a custom rule; built-in classes are %s", len(c), classList())
		}
		if !validAction(a) {
			return policyErr("actions: the action for class %s is unknown; use one of %s", c, actionList)
		}
	}
	if len(p.Allow) > MaxAllow {
		return policyErr("at most %d allowlisted paths are allowed, got %d", MaxAllow, len(p.Allow))
	}
	for i, a := range p.Allow {
		if strings.TrimSpace(a) == "" || len(a) > maxAllowPatLen {
			return policyErr("allow entry %d must be a property path of 1 to %d bytes", i+1, maxAllowPatLen)
		}
		if strings.Trim(a, "*.[]") == "" {
			return policyErr("allow entry %d would allow every property; name the property", i+1)
		}
	}
	return nil
}

const actionList = "drop_property, redact, hash, drop_event, keep"

func classList() string {
	s := make([]string, len(builtinClasses))
	for i, c := range builtinClasses {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

func checkClassName(c Class) error {
	if c == "" {
		return errors.New("the class is empty")
	}
	if len(c) > maxClassLen {
		return fmt.Errorf("the class is longer than %d bytes", maxClassLen)
	}
	for i := 0; i < len(c); i++ {
		b := c[i]
		if !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_') {
			return errors.New("a class may contain only a-z, 0-9 and _")
		}
	}
	return nil
}

// globMatch reports whether path matches pattern, where '*' matches any run
// of bytes (possibly empty). Iterative, linear in practice.
func globMatch(pattern, path string) bool {
	px, nx := 0, 0
	nextPx, nextNx := 0, 0
	for px < len(pattern) || nx < len(path) {
		if px < len(pattern) {
			c := pattern[px]
			if c == '*' {
				nextPx = px
				nextNx = nx + 1
				px++
				continue
			}
			if nx < len(path) && path[nx] == c {
				px++
				nx++
				continue
			}
		}
		if 0 < nextNx && nextNx <= len(path) {
			px = nextPx
			nx = nextNx
			continue
		}
		return false
	}
	return true
}
